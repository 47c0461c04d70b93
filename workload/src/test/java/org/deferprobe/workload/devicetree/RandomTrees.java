package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Real-shaped random trees: a gic, /cpus, /chosen, /reserved-memory, and under /soc controllers of every
 * supplier family (with #*-cells), pinctrl states and regulators without compatible, some disabled nodes,
 * and consumers referencing them (cycles included). Deterministic for a seed.
 */
final class RandomTrees {
    private static final String[][] FAMILIES = {
            {"clocks", "#clock-cells"}, {"resets", "#reset-cells"}, {"power-domains", "#power-domain-cells"},
            {"phys", "#phy-cells"}, {"pwms", "#pwm-cells"}, {"mboxes", "#mbox-cells"}, {"reset-gpios", "#gpio-cells"},
            {"interrupts-extended", "#interrupt-cells"}, {"io-channels", "#io-channel-cells"}};
    private static final String[] BARE = {"vdd-supply", "pinctrl-0", "extcon", "backlight", "leds", "interrupt-parent"};

    private RandomTrees() {
    }

    static FdtWriter.N generate(Random rnd, int devices) {
        int phandle = 1;
        FdtWriter.N root = FdtWriter.root().cells("interrupt-parent", phandle);
        root.child(node("interrupt-controller@0").compat("arm,gic-400").phandle(phandle++)
                .cells("#interrupt-cells", 3).flag("interrupt-controller"));
        root.child(node("cpus").child(node("cpu@0").compat("arm,cortex-a53").phandle(phandle++)
                .cells("#cooling-cells", 2)));
        root.child(node("chosen").str("stdout-path", "serial0:115200n8"));
        root.child(node("reserved-memory").child(node("pool").compat("shared-dma-pool").phandle(phandle++)));
        FdtWriter.N soc = node("soc").compat("simple-bus");
        root.child(soc);
        List<Integer> targets = new ArrayList<>();
        List<Integer> cellsOf = new ArrayList<>();
        List<FdtWriter.N> consumers = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            FdtWriter.N dev = node("dev@" + Integer.toHexString(0x1000 * (i + 1)))
                    .compat("acme,kind" + rnd.nextInt(Math.max(1, devices / 3)), "acme,generic")
                    .cells("reg", 0x1000L * (i + 1), 0x1000);
            if (rnd.nextInt(10) == 0) {
                dev.status(rnd.nextBoolean() ? "disabled" : "okay");
            }
            int family = rnd.nextInt(FAMILIES.length);
            int cells = rnd.nextInt(3);
            dev.phandle(phandle).cells(FAMILIES[family][1], cells);
            targets.add(phandle++);
            cellsOf.add(family * 16 + cells);
            if (rnd.nextInt(4) == 0) {
                FdtWriter.N state = node("state-" + i).phandle(phandle);
                targets.add(phandle++);
                cellsOf.add(-1);
                dev.child(node("regulators").child(state));
            }
            if (rnd.nextInt(5) == 0) {
                dev.child(node("child").compat("acme,child").cells("interrupts", rnd.nextInt(100), 4));
            }
            dev.cells("interrupts", 0, rnd.nextInt(200), 4);
            soc.child(dev);
            consumers.add(dev);
        }
        for (FdtWriter.N dev : consumers) {
            int refs = rnd.nextInt(4);
            for (int r = 0; r < refs; r++) {
                int t = rnd.nextInt(targets.size());
                int code = cellsOf.get(t);
                if (code < 0) {
                    dev.cells(BARE[rnd.nextInt(BARE.length)], targets.get(t));
                } else {
                    String[] fam = FAMILIES[code / 16];
                    long[] entry = new long[1 + code % 16];
                    entry[0] = targets.get(t);
                    dev.cells(fam[0], entry);
                }
            }
        }
        return root;
    }
}
