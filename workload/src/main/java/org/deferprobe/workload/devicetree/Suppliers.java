package org.deferprobe.workload.devicetree;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rule 3 of docs/scenario-format.md, "Device trees": which nodes a node's properties reference, as
 * fw_devlink reads them (drivers/of/property.c, of_link_property and its parse_* table). This class finds
 * the referenced nodes only; which device a node stands for (rule 4) is the caller's business.
 */
final class Suppliers {
    /* Implementation notes
     *
     * A phandle list with argument cells is walked as of_parse_phandle_with_args does for index 0, 1, ...:
     * an entry is a phandle followed by as many cells as the target's cells property says. fw_devlink stops
     * at the first index that does not parse, so the walk stops at the first phandle that names no node
     * (0 and 0xffffffff included), at a target without the cells property (or with one shorter than 4
     * bytes), and at an entry whose arguments run past the end of the value. Cell counts are unsigned and
     * summed in long, so 0xffffffff cells ends the list rather than wrapping. A value's length is read in
     * whole cells (length / 4), as the kernel does.
     *
     * of_irq_find_parent can loop forever on a tree whose interrupt-parent chain cycles through nodes
     * without #interrupt-cells; here the walk gives up (no parent) after as many steps as the tree has nodes.
     */

    private Suppliers() {
    }

    /** Phandle lists with argument cells, by property name: the cells property read from each target. */
    static final Map<String, String> WITH_CELLS = Map.ofEntries(
            Map.entry("clocks", "#clock-cells"),
            Map.entry("interconnects", "#interconnect-cells"),
            Map.entry("mboxes", "#mbox-cells"),
            Map.entry("io-channels", "#io-channel-cells"),
            Map.entry("power-domains", "#power-domain-cells"),
            Map.entry("hwlocks", "#hwlock-cells"),
            Map.entry("nvmem-cells", "#nvmem-cell-cells"),
            Map.entry("phys", "#phy-cells"),
            Map.entry("pwms", "#pwm-cells"),
            Map.entry("resets", "#reset-cells"),
            Map.entry("msi-parent", "#msi-cells"),
            Map.entry("interrupts-extended", "#interrupt-cells"));

    static final String GPIO_CELLS = "#gpio-cells";

    /** Single phandles or lists of bare phandles (besides {@code *-supply}). */
    static final Set<String> BARE = Set.of("interrupt-parent", "extcon", "wakeup-parent", "leds", "backlight",
            "panel", "pinctrl-0", "pinctrl-1", "pinctrl-2", "pinctrl-3", "pinctrl-4", "pinctrl-5", "pinctrl-6",
            "pinctrl-7", "pinctrl-8");

    /** Bindings fw_devlink treats as optional or as a graph: never a supplier. */
    static final Set<String> NOT_FOLLOWED = Set.of("remote-endpoint", "iommus", "iommu-map", "dmas");

    /** Hands every node that {@code node}'s own properties reference to {@code out}, in property order. */
    static void references(Fdt fdt, Fdt.Node node, Consumer<Fdt.Node> out) {
        for (Map.Entry<String, byte[]> p : node.props.entrySet()) {
            String name = p.getKey();
            byte[] value = p.getValue();
            if (NOT_FOLLOWED.contains(name)) {
                continue;
            }
            String cells = WITH_CELLS.get(name);
            if (cells != null) {
                withCells(fdt, value, cells, out);
            } else if (isGpio(name)) {
                if (!node.has("gpio-hog")) {
                    withCells(fdt, value, GPIO_CELLS, out);
                }
            } else if (BARE.contains(name) || name.endsWith("-supply")) {
                bare(fdt, value, out);
            } else if (name.equals("interrupts") && !node.has("interrupts-extended")) {
                Fdt.Node parent = interruptParent(fdt, node);
                if (parent != null) {
                    out.accept(parent);
                }
            }
        }
    }

    /** {@code gpio}, {@code gpios}, {@code *-gpio}, {@code *-gpios}, but not {@code *,nr-gpios}. */
    static boolean isGpio(String name) {
        return name.equals("gpio") || name.equals("gpios") || name.endsWith("-gpio")
                || (name.endsWith("-gpios") && !name.endsWith(",nr-gpios"));
    }

    /** A phandle-with-arguments list: stops at an unknown phandle, a target without cells, or a short entry. */
    static void withCells(Fdt fdt, byte[] value, String cellsProperty, Consumer<Fdt.Node> out) {
        long n = value.length / 4;
        long i = 0;
        while (i < n) {
            Fdt.Node target = fdt.byPhandle((int) Fdt.cell(value, (int) i));
            if (target == null) {
                return;
            }
            long cells = target.u32(cellsProperty);
            if (cells < 0 || i + 1 + cells > n) {
                return;
            }
            out.accept(target);
            i += 1 + cells;
        }
    }

    /** Bare phandles, one per cell: stops at the first unknown one. */
    static void bare(Fdt fdt, byte[] value, Consumer<Fdt.Node> out) {
        int n = value.length / 4;
        for (int i = 0; i < n; i++) {
            Fdt.Node target = fdt.byPhandle((int) Fdt.cell(value, i));
            if (target == null) {
                return;
            }
            out.accept(target);
        }
    }

    /**
     * of_irq_find_parent: the node's {@code interrupt-parent}, or else its tree parent, repeated from there
     * until a node with {@code #interrupt-cells}; null when the chain ends (an unknown phandle, past the root)
     * or cycles.
     */
    static Fdt.Node interruptParent(Fdt fdt, Fdt.Node node) {
        Fdt.Node child = node;
        int steps = 0;
        Fdt.Node p;
        do {
            long phandle = child.u32("interrupt-parent");
            p = phandle < 0 ? child.parent : fdt.byPhandle((int) phandle);
            child = p;
            if (++steps > fdt.nodes.size()) {
                return null;
            }
        } while (p != null && !p.has("#interrupt-cells"));
        return p;
    }
}
