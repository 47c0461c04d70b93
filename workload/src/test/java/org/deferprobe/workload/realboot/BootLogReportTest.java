package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.deferprobe.workload.ScenarioException;
import org.junit.jupiter.api.Test;

/** The report docs/real-boots.md quotes, on the captured orangepi-pc boot. */
class BootLogReportTest {
    private static List<String> report(boolean devices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BootLogReport.report(Captured.log("orangepi-pc"), Captured.bootedDtb("orangepi-pc"), devices,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theCountsTheDocsQuote() {
        List<String> lines = report(false);
        assertEquals("log: orangepi-pc.dmesg.gz, kernel 6.1.0-47-armmp", lines.get(0));
        assertEquals("lines: 3700, recognized 3347, skipped 353", lines.get(1));
        assertTrue(lines.contains("devices: 83 named by driver-core lines; 67 bound, 1 deferred at the end, 6 ever deferred"), lines.toString());
        assertTrue(lines.contains("probes: 78 attempts, 73 probe calls, 67 binds, 2 failed, 1 rejected"), lines.toString());
        assertTrue(lines.contains("names: 50 of 83 device names map to a node of orangepi-pc.qemu.dtb (46 of 71 devices with a bus)"),
                lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("tree: 64 devices (docs/scenario-format.md rule 1): 50 named by "
                + "driver-core lines, 3 only added, 11 absent from the log: ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +cpufreq-dt +DEFERRED +platform +attempts 2 deferred: .*")),
                lines.toString());
    }

    @Test
    void devicesListsEveryDeviceAndEveryMapping() {
        List<String> lines = report(true);
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +1c28000\\.serial +BOUND +platform +attempts 2 driver dw-apb-uart deferred: \\[core\\]")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +0-0065 +/soc/i2c@1f02400/regulator@65 \\(I2C\\)")), lines.toString());
    }

    @Test
    void aBadLogIsTheParsersError() {
        assertThrows(ScenarioException.class, () -> BootLogReport.report(Captured.dtb("orangepi-pc"), null, false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }
}
