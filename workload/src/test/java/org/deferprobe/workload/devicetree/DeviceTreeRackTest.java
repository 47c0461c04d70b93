package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.deferprobe.workload.devicetree.FdtWriter.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public entry points on files: one board, its statistics, and racks of boards. */
class DeviceTreeRackTest {

    static FdtWriter.N boardA() {
        return root().child(
                node("clk").compat("acme,clk").phandle(1).cells("#clock-cells", 0),
                node("uart").compat("acme,uart").cells("clocks", 1));
    }

    static FdtWriter.N boardB() {
        return root().child(
                node("clk").compat("acme,clk").phandle(1).cells("#clock-cells", 0),
                node("spi").compat("acme,spi").cells("clocks", 1));
    }

    @Test
    void loadsOneBoardFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.dtb");
        Files.write(f, FdtWriter.write(boardA()));
        Scenario s = DeviceTreeScenario.load(f, 100);
        assertEquals("a.dtb", s.name());
        assertEquals(List.of(new DeviceSpec("/clk", "platform", List.of("acme,clk"), List.of(), List.of("/clk")),
                new DeviceSpec("/uart", "platform", List.of("acme,uart"), List.of("/clk"), List.of("/uart"), List.of("/clk"),
                        List.of())), s.devices());
        assertEquals(List.of(100L, 100L), s.drivers().stream().map(DriverSpec::probeMicros).toList());
        assertEquals(new DeviceTreeStats("a.dtb", 2, 2, 1, 0, 1), DeviceTreeScenario.stats(f));
        assertThrows(IllegalArgumentException.class, () -> DeviceTreeScenario.load(f, -1));
    }

    @Test
    void aRackPrefixesEveryBoardAndSharesDrivers(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("b.dtb"), FdtWriter.write(boardB()));
        Files.write(dir.resolve("a.dtb"), FdtWriter.write(boardA()));
        Files.writeString(dir.resolve("README"), "not a board");
        Files.createDirectory(dir.resolve("sub.dtb"));
        Scenario s = DeviceTreeScenario.loadRack(dir, 5);
        assertEquals(dir.getFileName() + " (2 boards)", s.name());
        assertEquals(List.of(
                new DeviceSpec("a.dtb:/clk", "platform", List.of("acme,clk"), List.of(), List.of("a.dtb:/clk")),
                new DeviceSpec("a.dtb:/uart", "platform", List.of("acme,uart"), List.of("a.dtb:/clk"), List.of("a.dtb:/uart"),
                        List.of("a.dtb:/clk"), List.of()),
                new DeviceSpec("b.dtb:/clk", "platform", List.of("acme,clk"), List.of(), List.of("b.dtb:/clk")),
                new DeviceSpec("b.dtb:/spi", "platform", List.of("acme,spi"), List.of("b.dtb:/clk"), List.of("b.dtb:/spi"),
                        List.of("b.dtb:/clk"), List.of())),
                s.devices(), "sorted by file name; names, suppliers, requires and provides prefixed");
        assertEquals(List.of("acme,clk", "acme,uart", "acme,spi"), s.drivers().stream().map(DriverSpec::name).toList());
        assertTrue(s.drivers().stream().allMatch(d -> d.probeMicros() == 5));
        assertEquals(2, s.steps().size());
        Step.Concurrent c = (Step.Concurrent) s.steps().get(0);
        assertTrue(c.threads() >= 2);
        assertEquals(List.of(new Step.RegisterDevices(null), new Step.RegisterDrivers(null)), c.steps());
        assertEquals(new Step.Quiesce(), s.steps().get(1));
        assertEquals(null, s.expect());
    }

    @Test
    void rackErrorsNameTheFile(@TempDir Path dir) throws Exception {
        FdtTest.rejects(() -> DeviceTreeScenario.loadRack(dir, 0), dir.getFileName() + ": ", "no .dtb files");
        FdtTest.rejects(() -> DeviceTreeScenario.loadRack(dir.resolve("nope"), 0), "nope: ", "not a directory");
        Files.write(dir.resolve("a.dtb"), FdtWriter.write(boardA()));
        Files.write(dir.resolve("broken.dtb"), new byte[] {1, 2, 3, 4, 5});
        FdtTest.rejects(() -> DeviceTreeScenario.loadRack(dir, 0), "broken.dtb: ", "bad magic 0x01020304");
        FdtTest.rejects(() -> DeviceTreeScenario.rack("r", List.of(dir.resolve("a.dtb"), dir.resolve("a.dtb")), 0),
                "a.dtb: ", "two boards of the rack r have this file name");
    }
}
