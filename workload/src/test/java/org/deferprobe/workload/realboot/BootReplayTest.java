package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioException;
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.Step;
import org.deferprobe.workload.devicetree.FdtWriter;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;
import org.junit.jupiter.api.Test;

/**
 * The replay's rules on a hand-made board and a hand-made 6.1 log (the wording of the captured logs): what a
 * driver's deferral waited for, a deferral to the end, a failing probe, a child registered by its parent's probe,
 * a link the kernel did not make, the order and phases of the drivers, late_initcall and the timeout.
 */
class BootReplayTest {
    /** soc (simple-bus) with a clock, a codec that uses it, a dai, a gpu, an i2c controller and its pmic, an eth. */
    static byte[] board() {
        return FdtWriter.write(FdtWriter.root()
                .child(FdtWriter.node("soc").compat("simple-bus").flag("ranges").cells("#address-cells", 1)
                        .cells("#size-cells", 1)
                        .child(FdtWriter.node("clock@1000").compat("acme,clk").cells("reg", 0x1000, 0x100)
                                .cells("#clock-cells", 0).phandle(1))
                        .child(FdtWriter.node("codec@2000").compat("acme,codec").cells("reg", 0x2000, 0x100)
                                .cells("clocks", 1))
                        .child(FdtWriter.node("dai@3000").compat("acme,dai").cells("reg", 0x3000, 0x100))
                        .child(FdtWriter.node("gpu@4000").compat("acme,gpu").cells("reg", 0x4000, 0x100))
                        .child(FdtWriter.node("i2c@5000").compat("acme,i2c").cells("reg", 0x5000, 0x100)
                                .cells("#address-cells", 1).cells("#size-cells", 0)
                                .child(FdtWriter.node("pmic@34").compat("acme,pmic").cells("reg", 0x34)))
                        .child(FdtWriter.node("intc@6000").compat("acme,intc").cells("reg", 0x6000, 0x100)
                                .flag("interrupt-controller").cells("#interrupt-cells", 1).phandle(2))
                        .child(FdtWriter.node("eth@7000").compat("acme,eth").cells("reg", 0x7000, 0x100)
                                .cells("interrupt-parent", 2).cells("interrupts", 5))));
    }

    /** A boot of that board as 6.1 logs it: every line's wording is from the captured logs. */
    static final String LOG = String.join("\n",
            "<6>[    0.000000] Linux version 6.1.0-test (builder) #1 SMP",
            "<5>[    0.000000] Kernel command line: console=ttyS0 deferred_probe_timeout=10 initcall_debug",
            "<7>[    0.200000] calling  of_platform_default_populate_init+0x0/0xec @ 1",
            "<7>[    0.200001] device: 'soc': device_add",
            "<7>[    0.200002] device: '1000.clock': device_add",
            "<7>[    0.200003] device: '2000.codec': device_add",
            "<7>[    0.200004] platform 2000.codec: Linked as a consumer to 1000.clock",
            "<7>[    0.200005] device: '3000.dai': device_add",
            "<7>[    0.200006] device: '4000.gpu': device_add",
            "<7>[    0.200007] device: '5000.i2c': device_add",
            "<7>[    0.200008] device: '7000.eth': device_add",
            "<7>[    0.200009] platform 7000.eth: Not linking /soc/intc@6000 - might never become dev",
            "<7>[    0.200100] initcall of_platform_default_populate_init+0x0/0xec returned 0 after 100 usecs",
            "<7>[    0.300000] calling  codec_driver_init+0x0/0x10 @ 1",
            "<7>[    0.300001] bus: 'platform': __driver_probe_device: matched device 2000.codec with driver acme-codec",
            "<7>[    0.300002] platform 2000.codec: error -EPROBE_DEFER: supplier 1000.clock not ready",
            "<7>[    0.300003] probe of 2000.codec returned -517 after 1 usecs",
            "<7>[    0.300004] platform 2000.codec: Added to deferred list",
            "<7>[    0.300100] initcall codec_driver_init+0x0/0x10 returned 0 after 100 usecs",
            "<7>[    0.400000] calling  clk_driver_init+0x0/0x10 @ 1",
            "<7>[    0.400001] bus: 'platform': __driver_probe_device: matched device 1000.clock with driver acme-clk",
            "<7>[    0.400002] bus: 'platform': really_probe: probing driver acme-clk with device 1000.clock",
            "<7>[    0.400003] driver: 'acme-clk': driver_bound: bound to device '1000.clock'",
            "<7>[    0.400004] bus: 'platform': really_probe: bound device 1000.clock to driver acme-clk",
            "<7>[    0.400005] probe of 1000.clock returned 0 after 4 usecs",
            "<7>[    0.400100] initcall clk_driver_init+0x0/0x10 returned 0 after 100 usecs",
            "<7>[    0.500000] calling  i2c_driver_init+0x0/0x10 @ 1",
            "<7>[    0.500001] bus: 'platform': __driver_probe_device: matched device 5000.i2c with driver acme-i2c",
            "<7>[    0.500002] bus: 'platform': really_probe: probing driver acme-i2c with device 5000.i2c",
            "<7>[    0.500003] device: 'i2c-0': device_add",
            "<7>[    0.500004] device: '0-0034': device_add",
            "<7>[    0.500005] driver: 'acme-i2c': driver_bound: bound to device '5000.i2c'",
            "<7>[    0.500006] bus: 'platform': really_probe: bound device 5000.i2c to driver acme-i2c",
            "<7>[    0.500007] probe of 5000.i2c returned 0 after 6 usecs",
            "<7>[    0.500100] initcall i2c_driver_init+0x0/0x10 returned 0 after 100 usecs",
            "<7>[    0.600000] calling  deferred_probe_initcall+0x0/0xb0 @ 1",
            "<7>[    0.600001] platform 2000.codec: Retrying from deferred list",
            "<7>[    0.600002] bus: 'platform': __driver_probe_device: matched device 2000.codec with driver acme-codec",
            "<7>[    0.600003] bus: 'platform': really_probe: probing driver acme-codec with device 2000.codec",
            "<7>[    0.600004] acme-codec 2000.codec: Driver acme-codec requests probe deferral",
            "<7>[    0.600005] probe of 2000.codec returned 517 after 1 usecs",
            "<7>[    0.600006] platform 2000.codec: Added to deferred list",
            "<7>[    0.600007] platform 2000.codec: Retrying from deferred list",
            "<7>[    0.600008] bus: 'platform': __driver_probe_device: matched device 2000.codec with driver acme-codec",
            "<7>[    0.600009] bus: 'platform': really_probe: probing driver acme-codec with device 2000.codec",
            "<7>[    0.600010] acme-codec 2000.codec: Driver acme-codec requests probe deferral",
            "<7>[    0.600011] probe of 2000.codec returned 517 after 1 usecs",
            "<7>[    0.600012] platform 2000.codec: Added to deferred list",
            "<7>[    0.600100] initcall deferred_probe_initcall+0x0/0xb0 returned 0 after 100 usecs",
            "<6>[    1.000000] Run /init as init process",
            "<7>[    2.000000] calling  dai_driver_init+0x0/0x1000 [acme_dai] @ 100",
            "<7>[    2.000001] bus: 'platform': __driver_probe_device: matched device 3000.dai with driver acme-dai",
            "<7>[    2.000002] bus: 'platform': really_probe: probing driver acme-dai with device 3000.dai",
            "<7>[    2.000003] driver: 'acme-dai': driver_bound: bound to device '3000.dai'",
            "<7>[    2.000004] bus: 'platform': really_probe: bound device 3000.dai to driver acme-dai",
            "<7>[    2.000005] probe of 3000.dai returned 0 after 4 usecs",
            "<7>[    2.000006] platform 2000.codec: Retrying from deferred list",
            "<7>[    2.000007] bus: 'platform': __driver_probe_device: matched device 2000.codec with driver acme-codec",
            "<7>[    2.000008] bus: 'platform': really_probe: probing driver acme-codec with device 2000.codec",
            "<7>[    2.000009] driver: 'acme-codec': driver_bound: bound to device '2000.codec'",
            "<7>[    2.000010] bus: 'platform': really_probe: bound device 2000.codec to driver acme-codec",
            "<7>[    2.000011] probe of 2000.codec returned 0 after 4 usecs",
            "<7>[    2.000100] Extended deferred probe timeout by 10 secs",
            "<7>[    2.000200] initcall dai_driver_init+0x0/0x1000 [acme_dai] returned 0 after 200 usecs",
            "<7>[    3.000000] calling  gpu_driver_init+0x0/0x1000 [acme_gpu] @ 101",
            "<7>[    3.000001] bus: 'platform': __driver_probe_device: matched device 4000.gpu with driver acme-gpu",
            "<7>[    3.000002] bus: 'platform': really_probe: probing driver acme-gpu with device 4000.gpu",
            "<7>[    3.000003] acme-gpu 4000.gpu: Driver acme-gpu requests probe deferral",
            "<7>[    3.000004] probe of 4000.gpu returned 517 after 1 usecs",
            "<7>[    3.000005] platform 4000.gpu: Added to deferred list",
            "<7>[    3.000100] Extended deferred probe timeout by 10 secs",
            "<7>[    3.000200] initcall gpu_driver_init+0x0/0x1000 [acme_gpu] returned 0 after 200 usecs",
            "<7>[    4.000000] calling  pmic_driver_init+0x0/0x1000 [acme_pmic] @ 102",
            "<7>[    4.000001] bus: 'i2c': __driver_probe_device: matched device 0-0034 with driver acme-pmic",
            "<7>[    4.000002] bus: 'i2c': really_probe: probing driver acme-pmic with device 0-0034",
            "<4>[    4.000003] acme-pmic: probe of 0-0034 failed with error -110",
            "<7>[    4.000004] probe of 0-0034 returned 110 after 2 usecs",
            "<7>[    4.000100] Extended deferred probe timeout by 10 secs",
            "<7>[    4.000200] initcall pmic_driver_init+0x0/0x1000 [acme_pmic] returned 0 after 200 usecs",
            "<7>[    5.000000] calling  eth_driver_init+0x0/0x1000 [acme_eth] @ 103",
            "<7>[    5.000001] bus: 'platform': __driver_probe_device: matched device 7000.eth with driver acme-eth",
            "<7>[    5.000002] bus: 'platform': really_probe: probing driver acme-eth with device 7000.eth",
            "<7>[    5.000003] driver: 'acme-eth': driver_bound: bound to device '7000.eth'",
            "<7>[    5.000004] bus: 'platform': really_probe: bound device 7000.eth to driver acme-eth",
            "<7>[    5.000005] probe of 7000.eth returned 0 after 4 usecs",
            "<7>[    5.000006] platform 4000.gpu: Retrying from deferred list",
            "<7>[    5.000007] bus: 'platform': __driver_probe_device: matched device 4000.gpu with driver acme-gpu",
            "<7>[    5.000008] bus: 'platform': really_probe: probing driver acme-gpu with device 4000.gpu",
            "<7>[    5.000009] acme-gpu 4000.gpu: Driver acme-gpu requests probe deferral",
            "<7>[    5.000010] probe of 4000.gpu returned 517 after 1 usecs",
            "<7>[    5.000011] platform 4000.gpu: Added to deferred list",
            "<7>[    5.000100] Extended deferred probe timeout by 10 secs",
            "<7>[    5.000200] initcall eth_driver_init+0x0/0x1000 [acme_eth] returned 0 after 200 usecs",
            "<7>[   15.100000] platform 4000.gpu: Retrying from deferred list",
            "<7>[   15.100001] bus: 'platform': __driver_probe_device: matched device 4000.gpu with driver acme-gpu",
            "<7>[   15.100002] bus: 'platform': really_probe: probing driver acme-gpu with device 4000.gpu",
            "<7>[   15.100003] acme-gpu 4000.gpu: Driver acme-gpu requests probe deferral",
            "<7>[   15.100004] probe of 4000.gpu returned 517 after 1 usecs",
            "<7>[   15.100005] platform 4000.gpu: Added to deferred list",
            "<6>[   15.100006] platform 4000.gpu: deferred probe pending",
            "");

    static BootReplay replay(String log) {
        return BootReplay.of(BootLog.parse("acme.log", log.getBytes(StandardCharsets.UTF_8)), "acme.dtb", board());
    }

    @Test
    void theScenarioSaysWhatTheLogSays() {
        BootReplay r = replay(LOG);
        assertEquals(List.of("soc", "1000.clock", "2000.codec", "3000.dai", "4000.gpu", "5000.i2c", "7000.eth",
                "0-0034"), List.copyOf(r.devices().keySet()), "the intc has no device in the log: left out");
        Map<String, DeviceSpec> devices = r.scenario().devices().stream()
                .collect(Collectors.toMap(DeviceSpec::name, d -> d));
        assertEquals(List.of("1000.clock"), devices.get("2000.codec").suppliers(), "the tree's link, which the log shows");
        assertEquals(List.of("1000.clock", "3000.dai"), devices.get("2000.codec").requires(),
                "its driver's deferral waited for the dai: the bind just before its next attempt");
        assertEquals(List.of(BootReplay.UNMET_PREFIX + "4000.gpu"), devices.get("4000.gpu").requires(),
                "deferred to the end: what it waits for never came");
        assertEquals(List.of("0-0034"), devices.get("5000.i2c").children().stream().map(DeviceSpec::name).toList(),
                "added while the controller probed: its probe registers it");
        assertEquals(List.of(), devices.get("7000.eth").suppliers(), "the intc is initialized without a device");
        Map<String, DriverSpec> drivers = r.drivers().stream().collect(Collectors.toMap(DriverSpec::name, d -> d));
        assertTrue(drivers.get("acme-pmic").fails());
        assertEquals("i2c", drivers.get("acme-pmic").bus());
        assertEquals(List.of("2000.codec"), drivers.get("acme-codec").matches(), "exactly the devices it attempted");
        assertEquals(List.of(
                new Step.RegisterDevices(List.of("soc", "1000.clock", "2000.codec", "3000.dai", "4000.gpu", "5000.i2c",
                        "7000.eth")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-codec")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-clk")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-i2c")), new Step.WaitForDeviceProbe(),
                new Step.LateInitcall(250), new Step.Trigger(), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-dai")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-gpu")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-pmic")), new Step.WaitForDeviceProbe(),
                new Step.RegisterDrivers(List.of("acme-eth")), new Step.WaitForDeviceProbe(),
                new Step.Quiesce()), r.scenario().steps(), "the timeout fires 10 s after the last extension, at 15.0 s");
        assertEquals(7, r.driversBeforeTimeout(), "every driver registers before the timeout fires");
    }

    @Test
    void theKernelEngineReplaysItExactly() {
        BootReplay r = replay(LOG);
        ReplayEvents events = new ReplayEvents();
        RunResult result = new ScenarioRunner(r.scenario()).run(EngineType.KERNEL,
                EngineConfig.defaults().withEvents(events), Duration.ofSeconds(20));
        ReplayComparison c = ReplayComparison.of(r, result, events);
        assertEquals(List.of(), c.divergences());
        Map<String, ReplayComparison.Row> rows = c.devices().stream()
                .collect(Collectors.toMap(ReplayComparison.Row::device, x -> x));
        assertEquals(4, rows.get("2000.codec").realAttempts(), "supplier, twice its driver at late_initcall, bound");
        assertEquals(3, rows.get("4000.gpu").engineAttempts());
        assertEquals(FinalState.DEFERRED, rows.get("4000.gpu").engineState());
        assertEquals(FinalState.PROBE_FAILED, rows.get("0-0034").engineState());
        assertEquals(Map.of("4000.gpu", "waiting for " + BootReplay.UNMET_PREFIX + "4000.gpu"),
                result.deferredProbePending(), "the timeout listed it, as the log's \"deferred probe pending\"");
    }

    @Test
    void aDriverThatBindsSomeDevicesAndFailsOthersIsSplit() {
        // acme-dai binds 3000.dai and rejects the gpu (its driver's own walk) before acme-gpu loads
        String log = LOG.replace("<7>[    2.000100] Extended deferred probe timeout by 10 secs",
                "<7>[    2.000090] bus: 'platform': __driver_probe_device: matched device 4000.gpu with driver acme-dai\n"
                        + "<7>[    2.000091] bus: 'platform': really_probe: probing driver acme-dai with device 4000.gpu\n"
                        + "<7>[    2.000092] acme-dai: probe of 4000.gpu rejects match -19\n"
                        + "<7>[    2.000093] probe of 4000.gpu returned 19 after 1 usecs\n"
                        + "<7>[    2.000100] Extended deferred probe timeout by 10 secs");
        BootReplay r = replay(log);
        Map<String, DriverSpec> drivers = r.drivers().stream().collect(Collectors.toMap(DriverSpec::name, d -> d));
        assertEquals(List.of("3000.dai"), drivers.get("acme-dai").matches());
        assertFalse(drivers.get("acme-dai").fails());
        assertEquals(List.of("4000.gpu"), drivers.get("acme-dai" + BootReplay.FAILS_SUFFIX).matches());
        assertTrue(drivers.get("acme-dai" + BootReplay.FAILS_SUFFIX).fails());
        assertEquals("acme-dai", r.realDriver("acme-dai" + BootReplay.FAILS_SUFFIX));
    }

    @Test
    void aLogThatCannotBeReplayedIsOneLineNamingIt() {
        String cut = LOG.substring(0, LOG.indexOf("<7>[    3.000004]"));
        ScenarioException e = assertThrows(ScenarioException.class, () -> replay(cut));
        assertEquals("acme.log: truncated: the log ends during 1 probe attempt(s) that have no outcome; a replay "
                + "needs the whole boot", e.getMessage());
        String noLate = LOG.replace("calling  deferred_probe_initcall", "calling  something_else");
        e = assertThrows(ScenarioException.class, () -> replay(noLate));
        assertTrue(e.getMessage().startsWith("acme.log: no \"calling  deferred_probe_initcall\" line"), e.getMessage());
    }

    @Test
    void theModelsTimeoutScalesWithTheProbeTime() {
        BootReplay r = replay(LOG);
        assertEquals(250, r.modelTimeoutMillis(0));
        assertTrue(r.modelTimeoutMillis(1_000) > r.modelTimeoutMillis(0));
        Scenario s = r.scenario(1_000);
        assertTrue(s.drivers().stream().allMatch(d -> d.probeMicros() == 1_000));
        BootReplay none = replay(LOG.replace("deferred_probe_timeout=10", "deferred_probe_timeout=0"));
        assertEquals(0, none.modelTimeoutMillis(0));
        assertTrue(none.scenario().steps().contains(new Step.LateInitcall(0)));
        assertFalse(none.scenario().steps().contains(new Step.Quiesce()), "no timeout fires");
    }
}
