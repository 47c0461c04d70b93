package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.deferprobe.workload.devicetree.FdtWriter.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.ProbeType;
import org.deferprobe.workload.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules 1-7 of docs/scenario-format.md, "Device trees", one family at a time on trees built in Java. */
class DeviceTreeScenarioTest {

    static Scenario load(FdtWriter.N root) {
        return DeviceTreeScenario.fromBlob("board.dtb", FdtWriter.write(root), 0);
    }

    static Map<String, DeviceSpec> devices(Scenario s) {
        return s.devices().stream().collect(Collectors.toMap(DeviceSpec::name, Function.identity()));
    }

    static List<String> requires(Scenario s, String device) {
        DeviceSpec d = devices(s).get(device);
        assertTrue(d != null, () -> device + " is not a device; devices: " + devices(s).keySet());
        return d.suppliers();
    }

    static List<String> names(Scenario s) {
        return s.devices().stream().map(DeviceSpec::name).toList();
    }

    /** A provider of some cells property under /soc. */
    static FdtWriter.N provider(String name, int phandle, String cellsProp, int cells) {
        return node(name).compat("acme," + name).phandle(phandle).cells(cellsProp, cells);
    }

    // ---- rule 1: devices

    @Test
    void devicesAreEnabledCompatibleNodesNamedByPath() {
        Scenario s = load(root().child(
                node("soc").compat("simple-bus").child(
                        node("a").compat("acme,a", "generic-a"),
                        node("b").compat("acme,b").status("okay"),
                        node("c").compat("acme,c").status("ok"),
                        node("d").compat("acme,d").status("disabled"),
                        node("e").compat("acme,e").status("fail"),
                        node("f").compat("acme,f").prop("status", new byte[0]),
                        node("no-compatible")),
                node("off").status("disabled").child(node("g").compat("acme,g")),
                node("deep").child(node("h").compat("acme,h"))));
        assertEquals(List.of("/soc", "/soc/a", "/soc/b", "/soc/c", "/deep/h"), names(s));
        DeviceSpec a = devices(s).get("/soc/a");
        assertEquals(List.of("acme,a", "generic-a"), a.compatible());
        assertEquals(List.of("/soc/a"), a.provides());
        assertEquals(DeviceSpec.DEFAULT_BUS, a.bus());
    }

    @Test
    void excludedTopLevelNodesHoldNoDevices() {
        Scenario s = load(root().child(
                node("cpus").child(node("cpu@0").compat("arm,cortex-a53")),
                node("chosen").child(node("framebuffer").compat("simple-framebuffer")),
                node("aliases").compat("odd,aliases"),
                node("__symbols__").child(node("x").compat("odd,x")),
                node("reserved-memory").child(node("pool").compat("shared-dma-pool")),
                node("soc").compat("simple-bus").child(node("cpus").child(node("cpu").compat("acme,not-excluded")))));
        assertEquals(List.of("/soc", "/soc/cpus/cpu"), names(s), "only top-level names are excluded; the root is never a device");
    }

    // ---- rule 2: drivers

    @Test
    void oneSyncDriverPerDistinctFirstCompatible() {
        Scenario s = DeviceTreeScenario.fromBlob("board.dtb", FdtWriter.write(root().child(
                node("a").compat("acme,uart", "ns16550a"),
                node("b").compat("acme,uart"),
                node("c").compat("ns16550a"),
                node("d").compat("acme,spi", "acme,uart"))), 250);
        assertEquals(List.of("acme,uart", "ns16550a", "acme,spi"), s.drivers().stream().map(DriverSpec::name).toList());
        for (DriverSpec d : s.drivers()) {
            assertEquals(List.of(d.name()), d.matches());
            assertEquals(ProbeType.SYNC, d.probe());
            assertEquals(250, d.probeMicros());
            assertEquals(DeviceSpec.DEFAULT_BUS, d.bus());
            assertTrue(d.registersDrivers().isEmpty() && !d.fails() && d.publishDelayMicros() == 0);
        }
        assertEquals(Scenario.DEFAULT_STEPS, s.steps(), "every driver is registered by the default steps");
        assertTrue(s.driversRegisteredByProbes().isEmpty());
        assertNull(s.expect());
        assertEquals("board.dtb", s.name());
    }

    // ---- rule 3: phandle lists with cells

    @ParameterizedTest
    @CsvSource({"clocks, #clock-cells", "interconnects, #interconnect-cells", "mboxes, #mbox-cells",
            "io-channels, #io-channel-cells", "power-domains, #power-domain-cells", "hwlocks, #hwlock-cells",
            "nvmem-cells, #nvmem-cell-cells", "phys, #phy-cells", "pwms, #pwm-cells", "resets, #reset-cells",
            "msi-parent, #msi-cells", "gpio, #gpio-cells", "gpios, #gpio-cells", "reset-gpio, #gpio-cells",
            "enable-gpios, #gpio-cells", "interrupts-extended, #interrupt-cells"})
    void cellListsCountTheTargetsCells(String prop, String cellsProp) {
        Scenario s = load(root().child(
                provider("two", 1, cellsProp, 2),
                provider("zero", 2, cellsProp, 0),
                provider("one", 3, cellsProp, 1),
                node("no-cells").compat("acme,no-cells").phandle(4),
                node("after").compat("acme,after").phandle(5).cells(cellsProp, 0),
                node("all").compat("acme,all").cells(prop, 1, 7, 7, 2, 3, 9),
                node("unknown").compat("acme,unknown").cells(prop, 2, 99, 5, 1, 0, 0),
                node("cellless").compat("acme,cellless").cells(prop, 2, 4, 5),
                node("short").compat("acme,short").cells(prop, 2, 1, 0),
                node("zero-phandle").compat("acme,zp").cells(prop, 0, 2)));
        assertEquals(List.of("/two", "/zero", "/one"), requires(s, "/all"));
        assertEquals(List.of("/zero"), requires(s, "/unknown"), "stops at the first unknown phandle");
        assertEquals(List.of("/zero"), requires(s, "/cellless"), "stops at a target without " + cellsProp);
        assertEquals(List.of("/zero"), requires(s, "/short"), "stops at an entry whose cells run past the end");
        assertEquals(List.of(), requires(s, "/zero-phandle"), "phandle 0 names no node: the list stops");
    }

    @Test
    void cellsAreReadFromTheTargetsOwnProperty() {
        // the same phandle list means different entries depending on each target's cell count
        Scenario s = load(root().child(
                provider("big", 1, "#clock-cells", 3),
                provider("small", 2, "#clock-cells", 0),
                node("c").compat("acme,c").cells("clocks", 1, 2, 2, 2, 2)));
        assertEquals(List.of("/big", "/small"), requires(s, "/c"), "2 2 2 are big's arguments, then small");
    }

    @Test
    void gpioRules() {
        Scenario s = load(root().child(
                provider("gpio1", 1, "#gpio-cells", 2).flag("gpio-controller").child(
                        node("hog").flag("gpio-hog").cells("gpios", 2, 3, 0),
                        node("not-a-hog").cells("gpios", 3, 1, 0)),
                provider("gpio2", 2, "#gpio-cells", 2),
                provider("gpio3", 3, "#gpio-cells", 2),
                node("dw").compat("snps,dw-apb-gpio").cells("snps,nr-gpios", 2, 0, 0).cells("nr-gpios", 3, 0, 0),
                node("hogged").compat("acme,hogged").flag("gpio-hog").cells("gpios", 2, 0, 0)));
        assertEquals(List.of("/gpio3"), requires(s, "/gpio1"),
                "a gpio-hog child's gpios are no dependency; another child's are");
        assertEquals(List.of("/gpio3"), requires(s, "/dw"), "*,nr-gpios is a count, nr-gpios (no comma) is followed");
        assertEquals(List.of(), requires(s, "/hogged"));
    }

    // ---- rule 3: bare phandles

    @ParameterizedTest
    @ValueSource(strings = {"interrupt-parent", "extcon", "wakeup-parent", "leds", "backlight", "panel",
            "pinctrl-0", "pinctrl-1", "pinctrl-2", "pinctrl-3", "pinctrl-4", "pinctrl-5", "pinctrl-6", "pinctrl-7",
            "pinctrl-8", "vmmc-supply", "vdd-supply"})
    void bareListsTakeEveryPhandleUntilAnUnknownOne(String prop) {
        Scenario s = load(root().child(
                node("p1").compat("acme,p1").phandle(1),
                node("p2").compat("acme,p2").phandle(2),
                node("p3").compat("acme,p3").phandle(3),
                node("c").compat("acme,c").cells(prop, 1, 2, 77, 3)));
        assertEquals(List.of("/p1", "/p2"), requires(s, "/c"));
    }

    @Test
    void otherPropertiesAreNotFollowed() {
        Scenario s = load(root().child(
                provider("p", 1, "#dma-cells", 0).cells("#iommu-cells", 0).cells("#clock-cells", 0),
                node("c").compat("acme,c").cells("dmas", 1).cells("iommus", 1).cells("iommu-map", 0, 1, 0, 1)
                        .cells("remote-endpoint", 1).cells("pinctrl-9", 1).cells("clock", 1).cells("phandle-ish", 1)
                        .cells("vdd-supplies", 1)));
        assertEquals(List.of(), requires(s, "/c"));
    }

    // ---- rule 3: interrupts

    @Test
    void interruptsFollowTheInterruptParentChain() {
        Scenario s = load(root().cells("interrupt-parent", 1).child(
                node("gic").compat("arm,gic-400").phandle(1).cells("#interrupt-cells", 3).flag("interrupt-controller"),
                node("soc").compat("simple-bus").child(
                        node("uart").compat("acme,uart").cells("interrupts", 0, 5, 4),
                        node("gpio").compat("acme,gpio").phandle(2).cells("#interrupt-cells", 2).child(
                                node("key").compat("gpio-keys").cells("interrupts", 3, 1)),
                        node("i2c").compat("acme,i2c").cells("interrupt-parent", 3).cells("interrupts", 1)),
                node("redirect").phandle(3).cells("interrupt-parent", 2)));
        assertEquals(List.of("/gic"), requires(s, "/soc/uart"), "no interrupt-parent: up the tree to the root's, the gic");
        assertEquals(List.of("/soc/gpio"), requires(s, "/soc/gpio/key"), "the tree parent has #interrupt-cells");
        assertEquals(List.of("/soc/gpio"), requires(s, "/soc/i2c"),
                "interrupt-parent names a node without #interrupt-cells (itself no device): follow its interrupt-parent");
    }

    @Test
    void interruptsAreIgnoredBesideInterruptsExtendedAndCyclesEndTheSearch() {
        Scenario s = load(root().child(
                node("gic").compat("arm,gic-400").phandle(1).cells("#interrupt-cells", 1),
                node("gpio").compat("acme,gpio").phandle(2).cells("#interrupt-cells", 1),
                node("both").compat("acme,both").cells("interrupts", 5).cells("interrupts-extended", 2, 5)
                        .cells("interrupt-parent", 9),
                node("loop-a").phandle(3).cells("interrupt-parent", 4),
                node("loop-b").phandle(4).cells("interrupt-parent", 3),
                node("looped").compat("acme,looped").cells("interrupts", 1).child(
                        node("sub").cells("interrupt-parent", 3).cells("interrupts", 1)),
                node("orphan").compat("acme,orphan").cells("interrupts", 1)));
        assertEquals(List.of("/gpio"), requires(s, "/both"));
        assertEquals(List.of(), requires(s, "/looped"), "a cycle of interrupt-parents without cells ends with no parent");
        assertEquals(List.of(), requires(s, "/orphan"), "no ancestor has #interrupt-cells");
    }

    // ---- rule 4: resolution

    @Test
    void referencesResolveToTheNearestDevice() {
        Scenario s = load(root().child(
                node("pinctrl").compat("acme,pinctrl").child(
                        node("uart-pins").phandle(1).child(node("mux").phandle(2))),
                node("pmic").compat("acme,pmic").child(
                        node("regulators").child(node("ldo1").phandle(3)),
                        node("rtc").compat("acme,rtc").status("disabled").phandle(4),
                        node("wdt").compat("acme,wdt").phandle(5)),
                node("cpus").child(node("cpu@0").compat("arm,a53").phandle(6).cells("#clock-cells", 0)),
                node("loose").phandle(7),
                node("off").compat("acme,off").status("disabled").child(node("x").phandle(8)),
                node("c").compat("acme,c").cells("pinctrl-0", 1, 2).cells("vmmc-supply", 3).cells("vqmmc-supply", 4)
                        .cells("leds", 5).cells("clocks", 6).cells("extcon", 7).cells("panel", 8)));
        assertEquals(List.of("/pinctrl", "/pmic", "/pmic/wdt"), requires(s, "/c"),
                "non-compatible nodes stand for their device; disabled, excluded and deviceless targets are nothing");
    }

    @Test
    void selfReferencesAreIgnored() {
        Scenario s = load(root().child(
                node("clk").compat("acme,clk").phandle(1).cells("#clock-cells", 1).cells("clocks", 1, 0)
                        .cells("assigned-clocks", 1, 2).cells("pinctrl-0", 2).child(
                                node("state").phandle(2),
                                node("sub").cells("clocks", 1, 3))));
        assertEquals(List.of(), requires(s, "/clk"));
    }

    @Test
    void descendantsWithoutCompatibleContribute() {
        Scenario s = load(root().child(
                provider("clk", 1, "#clock-cells", 1),
                node("reg").compat("acme,reg").phandle(2),
                node("pwm").compat("acme,pwm").phandle(3).cells("#pwm-cells", 1),
                node("codec").compat("acme,codec").child(
                        node("port").child(node("endpoint").cells("clocks", 1, 0).cells("remote-endpoint", 3))),
                node("i2c").compat("acme,i2c").child(
                        node("pmic").compat("acme,pmic").cells("vin-supply", 2).child(
                                node("regulators").cells("pwms", 3, 0)))));
        assertEquals(List.of("/clk"), requires(s, "/codec"), "the endpoint's clocks count; its remote-endpoint never");
        assertEquals(List.of(), requires(s, "/i2c"), "a compatible child's properties are its own");
        assertEquals(List.of("/reg", "/pwm"), requires(s, "/i2c/pmic"));
    }

    // ---- rule 5: cycles, and statistics

    @Test
    void cyclesAreRelaxed() {
        FdtWriter.N root = root().child(
                node("a").compat("acme,a").phandle(1).cells("extcon", 2).cells("leds", 5),
                node("b").compat("acme,b").phandle(2).cells("extcon", 1),
                node("x").compat("acme,x").phandle(3).cells("extcon", 4),
                node("y").compat("acme,y").phandle(4).cells("extcon", 6),
                node("z").compat("acme,z").phandle(6).cells("extcon", 3),
                node("leaf").compat("acme,leaf").phandle(5),
                node("top").compat("acme,top").cells("extcon", 1, 3));
        Scenario s = load(root);
        assertEquals(List.of("/leaf"), requires(s, "/a"), "a 2-cycle a<->b is dropped; a->leaf is kept");
        assertEquals(List.of(), requires(s, "/b"));
        assertEquals(List.of(), requires(s, "/x"), "a 3-cycle x->y->z->x is dropped");
        assertEquals(List.of(), requires(s, "/y"));
        assertEquals(List.of(), requires(s, "/z"));
        assertEquals(List.of("/a", "/x"), requires(s, "/top"), "edges into a cycle are kept");
        assertEquals(new DeviceTreeStats("board.dtb", 7, 7, 8, 5, 2),
                DeviceTreeScenario.statsOf("board.dtb", FdtWriter.write(root)));
    }

    @Test
    void depthIsTheLongestChainOfRequires() {
        FdtWriter.N root = root().child(
                node("a").compat("acme,x").phandle(1),
                node("b").compat("acme,x").phandle(2).cells("extcon", 1),
                node("c").compat("acme,x").phandle(3).cells("extcon", 2, 1),
                node("d").compat("acme,x").cells("extcon", 3),
                node("lone").compat("acme,y"));
        DeviceTreeStats st = DeviceTreeScenario.statsOf("b.dtb", FdtWriter.write(root));
        assertEquals(new DeviceTreeStats("b.dtb", 5, 2, 4, 0, 3), st);
        assertEquals(4, st.requires());
        assertEquals(0, DeviceTreeScenario.statsOf("e.dtb", FdtWriter.write(root())).depth());
    }

    // ---- rule 7: who registers a device

    static List<String> childrenOf(Scenario s, String device) {
        return devices(s).get(device).children().stream().map(DeviceSpec::name).toList();
    }

    @Test
    void childrenOfTheDefaultBusesArePopulatedAtBootOthersByTheirParentsProbe() {
        Scenario s = load(root().child(
                node("soc").compat("vendor,soc", "simple-bus").child(
                        node("uart").compat("acme,uart"),
                        node("syscon").compat("acme,syscon", "simple-mfd").child(node("reboot").compat("acme,reboot")),
                        node("amba").compat("arm,amba-bus").child(node("dma").compat("arm,pl330")),
                        node("i2c").compat("acme,i2c").child(
                                node("eeprom").compat("atmel,24c02").child(node("cell").compat("acme,nvmem-cell")),
                                node("mux").child(node("sensor").compat("acme,sensor")))),
                node("isa").compat("isa").child(node("rtc").compat("acme,rtc"))));
        assertEquals(List.of("/soc/i2c/eeprom", "/soc/i2c/mux/sensor"), childrenOf(s, "/soc/i2c"),
                "of_i2c_register_devices: the controller's probe registers them, through non-device nodes too");
        assertEquals(List.of("/soc/i2c/eeprom/cell"), childrenOf(s, "/soc/i2c/eeprom"));
        for (String atBoot : List.of("/soc", "/soc/uart", "/soc/syscon", "/soc/syscon/reboot", "/soc/amba",
                "/soc/amba/dma", "/soc/i2c", "/isa", "/isa/rtc")) {
            assertTrue(!s.devicesRegisteredByProbes().contains(atBoot), atBoot + " is of_platform_populate's");
        }
        assertEquals(java.util.Set.of("/soc/i2c/eeprom", "/soc/i2c/eeprom/cell", "/soc/i2c/mux/sensor"),
                s.devicesRegisteredByProbes());
        assertEquals(List.of(), childrenOf(s, "/soc/syscon"), "simple-mfd is a default bus");
    }

    @Test
    void aReferenceToOnesOwnDescendantDeviceIsNoLink() {
        Scenario s = load(root().child(
                node("pmic").compat("acme,pmic").cells("interrupt-parent", 1).cells("extcon", 2).child(
                        node("gpio").compat("acme,pmic-gpio").phandle(1).cells("#interrupt-cells", 2),
                        node("charger").compat("acme,charger").phandle(2))));
        assertEquals(List.of(), requires(s, "/pmic"),
                "a child node can't be a functional dependency for the parent node (of_link_to_phandle)");
    }

    /**
     * A controller needs a clock whose provider needs a device the controller's probe registers: the child waits for
     * its parent's probe, which is part of the cycle, so the cycle is relaxed like any other and the board binds.
     */
    @Test
    void aCycleThroughAParentsProbeIsRelaxedAndTheBoardBinds() throws Exception {
        Scenario s = load(root().child(
                node("ctrl").compat("acme,ctrl").cells("clocks", 1).child(
                        node("phy").compat("acme,phy").phandle(2)),
                node("clk").compat("acme,clk").phandle(1).cells("#clock-cells", 0).cells("extcon", 2)));
        assertEquals(List.of(), requires(s, "/ctrl"));
        assertEquals(List.of(), requires(s, "/clk"));
        assertEquals(List.of("/ctrl/phy"), childrenOf(s, "/ctrl"));
        for (org.deferprobe.engine.EngineType type : org.deferprobe.engine.EngineType.real()) {
            org.deferprobe.workload.RunResult r = new org.deferprobe.workload.ScenarioRunner(s)
                    .run(type, java.time.Duration.ofSeconds(20));
            assertEquals(List.of("/clk", "/ctrl", "/ctrl/phy"), r.bound(), type.engineName() + ": " + r);
        }
    }

    @Test
    void tarjanHandlesLongChainsWithoutRecursion() {
        int n = 20_000;
        int[][] adj = new int[n][];
        for (int i = 0; i < n; i++) {
            adj[i] = new int[] {(i + 1) % n}; // one big cycle
        }
        int[] c = Board.stronglyConnectedComponents(adj);
        for (int i = 0; i < n; i++) {
            assertEquals(c[0], c[i]);
        }
        adj[n - 1] = new int[0]; // now a chain: every vertex its own component, suppliers numbered first
        c = Board.stronglyConnectedComponents(adj);
        for (int i = 0; i + 1 < n; i++) {
            assertTrue(c[i + 1] < c[i]);
        }
    }
}
