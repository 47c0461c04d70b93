package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.deferprobe.workload.devicetree.FdtWriter.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.EngineType;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loaded trees run through the ScenarioRunner and every device ends bound, on every real engine. */
class DeviceTreeEndToEndTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A small board as real ones are: gic, clock and reset controller, pinctrl, gpio, an i2c pmic, mmc, a cycle. */
    static FdtWriter.N board() {
        return root().cells("interrupt-parent", 1).child(
                node("cpus").child(node("cpu@0").compat("arm,cortex-a53").cells("clocks", 2, 0)),
                node("interrupt-controller@fee00000").compat("arm,gic-v3").phandle(1).cells("#interrupt-cells", 3)
                        .flag("interrupt-controller"),
                node("xin24m").compat("fixed-clock").phandle(9).cells("#clock-cells", 0),
                node("soc").compat("simple-bus").child(
                        node("clock-controller@ff760000").compat("acme,cru").phandle(2).cells("#clock-cells", 1)
                                .cells("#reset-cells", 1).cells("clocks", 9),
                        node("pinctrl").compat("acme,pinctrl").phandle(3).child(
                                node("gpio0@ff720000").compat("acme,gpio-bank").phandle(4).cells("#gpio-cells", 2)
                                        .cells("#interrupt-cells", 2).cells("clocks", 2, 10).cells("interrupts", 0, 14, 4),
                                node("i2c0").child(node("xfer").phandle(5)),
                                node("sdmmc").child(node("clk").phandle(6))),
                        node("i2c@ff3c0000").compat("acme,i2c").cells("clocks", 2, 20).cells("resets", 2, 3)
                                .cells("pinctrl-0", 5).cells("interrupts", 0, 57, 4).child(
                                        node("pmic@20").compat("acme,pmic").phandle(7).cells("interrupt-parent", 4)
                                                .cells("interrupts", 10, 8).cells("vcc1-supply", 8).child(
                                                        node("regulators").child(node("ldo1").phandle(8)))),
                        node("mmc@fe320000").compat("acme,dw-mshc").cells("clocks", 2, 30, 2, 31)
                                .cells("pinctrl-0", 6).cells("vmmc-supply", 8).cells("cd-gpios", 4, 7, 0),
                        node("usb@fe800000").compat("acme,dwc3").phandle(10).cells("phys", 11).str("status", "okay"),
                        node("phy@ff770000").compat("acme,usb-phy").phandle(11).cells("#phy-cells", 0)
                                .cells("extcon", 10)));
    }

    static void assertAllBound(Scenario s, EngineType engine) {
        RunResult r = new ScenarioRunner(s).run(engine, TIMEOUT);
        assertEquals(List.of(), r.violations(), "violations on " + engine);
        assertEquals(List.of(), r.errors(), "errors on " + engine);
        assertEquals(s.devices().stream().map(DeviceSpec::name).sorted().toList(), r.bound(),
                () -> "not all bound on " + engine + "; deferred " + r.deferred() + " unbound " + r.unbound());
        assertTrue(r.passed());
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"GLOBAL_LOCK", "KERNEL"})
    void aSmallBoardBootsCompletely(EngineType engine) {
        Scenario s = DeviceTreeScenario.fromBlob("small.dtb", FdtWriter.write(board()), 0);
        assertEquals(11, s.devices().size());
        assertEquals(2, DeviceTreeScenario.statsOf("small.dtb", FdtWriter.write(board())).relaxedEdges(),
                "usb <-> phy is the one cycle");
        assertTrue(s.devices().stream().anyMatch(d -> d.suppliers().size() >= 3));
        assertEquals(List.of("/soc/i2c@ff3c0000/pmic@20"), s.devices().stream().filter(d -> d.name().equals(
                "/soc/i2c@ff3c0000")).findFirst().orElseThrow().children().stream().map(DeviceSpec::name).toList(),
                "rule 7: the i2c controller's probe registers the pmic on its bus");
        assertAllBound(s, engine);
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"GLOBAL_LOCK", "KERNEL"})
    void randomRealShapedTreesBootCompletely(EngineType engine) {
        Random rnd = new Random(42);
        int relaxed = 0;
        for (int i = 0; i < 10; i++) {
            byte[] blob = FdtWriter.write(RandomTrees.generate(rnd, 20 + rnd.nextInt(120)));
            relaxed += DeviceTreeScenario.statsOf("random" + i + ".dtb", blob).relaxedEdges();
            assertAllBound(DeviceTreeScenario.fromBlob("random" + i + ".dtb", blob, 0), engine);
        }
        assertTrue(relaxed > 0, "the random trees have cycles to relax");
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"GLOBAL_LOCK", "KERNEL"})
    void aRackBootsCompletely(EngineType engine, @TempDir Path dir) throws Exception {
        Random rnd = new Random(7);
        Files.write(dir.resolve("a.dtb"), FdtWriter.write(board()));
        for (int i = 0; i < 4; i++) {
            Files.write(dir.resolve("r" + i + ".dtb"), FdtWriter.write(RandomTrees.generate(rnd, 60)));
        }
        assertAllBound(DeviceTreeScenario.loadRack(dir, 0), engine);
    }
}
