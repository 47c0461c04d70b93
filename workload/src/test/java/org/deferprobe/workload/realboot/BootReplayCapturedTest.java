package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.Step;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay of the captured boots (issue 13's bar): on orangepi-pc and vexpress-a15 the kernel engine ends every
 * device the log and the tree share where the kernel did, with as many probe attempts; and the scenario says what
 * the log says about the devices that deferred.
 */
class BootReplayCapturedTest {
    static ReplayComparison replay(String board, EngineType type) {
        BootReplay r = BootReplay.read(Captured.log(board), Captured.bootedDtb(board));
        ReplayEvents events = new ReplayEvents();
        RunResult result = new ScenarioRunner(r.scenario()).run(type, EngineConfig.defaults().withEvents(events),
                Duration.ofSeconds(30));
        return ReplayComparison.of(r, result, events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"orangepi-pc", "vexpress-a15"})
    void theKernelEngineEndsEveryDeviceWhereTheKernelDidWithAsManyAttempts(String board) {
        ReplayComparison c = replay(board, EngineType.KERNEL);
        String why = c.divergences().stream().map(Object::toString).collect(Collectors.joining("\n"));
        assertEquals(List.of(), c.violations());
        assertEquals(List.of(), c.errors());
        assertEquals(List.of(), c.warnings());
        assertEquals(c.compared(), c.sameFinalState(), why);
        assertEquals(c.compared(), c.sameProbeAttempts(), why);
        BootReplay r = BootReplay.read(Captured.log(board), Captured.bootedDtb(board));
        assertTrue(r.devices().values().stream().anyMatch(d -> !d.realReasons().isEmpty()), "some device deferred");
    }

    @Test
    void orangepiComparesTheDevicesBothNameAndTheDeferralsAreTheLogs() {
        ReplayComparison c = replay("orangepi-pc", EngineType.KERNEL);
        assertEquals(53, c.compared());
        Map<String, ReplayComparison.Row> rows = c.devices().stream()
                .collect(Collectors.toMap(ReplayComparison.Row::device, r -> r));
        assertEquals(new ReplayComparison.Row("usb0-vbus", "/usb0-vbus", "platform", FinalState.BOUND, 3,
                "reg-fixed-voltage", FinalState.BOUND, 3, "reg-fixed-voltage"), rows.get("usb0-vbus"));
        assertEquals(2, rows.get("1ee0000.hdmi").engineAttempts(), "deferred on its phy, bound once the phy bound");
        assertEquals(FinalState.PROBE_FAILED, rows.get("1c40000.gpu").engineState(), "lima fails: no Mali in QEMU");
        assertEquals(FinalState.NEVER_PROBED, rows.get("1c22c00.codec").engineState(), "sun4i_codec was blacklisted");
        assertEquals(FinalState.PROBE_FAILED, rows.get("0-0065").engineState(), "the SY8106A is not emulated");
        assertFalse(rows.containsKey("cpufreq-dt"), "a device registered from software has no node");
    }

    @Test
    void orangepiScenarioFollowsTheLog() {
        BootReplay r = BootReplay.read(Captured.log("orangepi-pc"), Captured.bootedDtb("orangepi-pc"));
        Scenario s = r.scenario();
        Map<String, DeviceSpec> devices = s.devices().stream().collect(Collectors.toMap(DeviceSpec::name, d -> d));
        assertEquals(List.of("1f02c00.pinctrl"), devices.get("usb0-vbus").suppliers(), "its gpio's controller");
        assertEquals(List.of(), devices.get("1c28000.serial").suppliers(), "the console is probed best effort");
        assertTrue(devices.get("1c28000.serial").requires().contains("1c20800.pinctrl"), "its probe needs its pins");
        assertEquals(List.of("0-0065"), devices.get("1f02400.i2c").children().stream().map(DeviceSpec::name).toList(),
                "the i2c controller's probe registers its client");
        assertFalse(devices.get("1c20800.pinctrl").suppliers().contains("1f00000.rtc"),
                "\"Not linking /soc/rtc@1f00000\": its clocks come from the early clock init");
        // drivers by their first attempt: reg-fixed-voltage built in, sun8i-dw-hdmi before its phy in one module
        List<String> registered = s.steps().stream().filter(st -> st instanceof Step.RegisterDrivers)
                .flatMap(st -> ((Step.RegisterDrivers) st).names().stream()).toList();
        assertEquals(r.drivers().size(), registered.size(), "every driver once");
        assertTrue(registered.indexOf("reg-fixed-voltage") < registered.indexOf("sun8i-h3-pinctrl"));
        assertEquals(registered.indexOf("sun8i-dw-hdmi") + 1, registered.indexOf("sun8i-hdmi-phy"));
        int late = s.steps().indexOf(new Step.LateInitcall(r.modelTimeoutMillis(0)));
        assertTrue(late > 0 && s.steps().get(late + 1).equals(new Step.Trigger()), "6.1 triggers and flushes twice");
        int gpioKeys = s.steps().indexOf(new Step.RegisterDrivers(List.of("gpio-keys")));
        assertTrue(gpioKeys > late, "a built-in late_initcall after deferred_probe_initcall's");
        int timeout = s.steps().indexOf(new Step.Quiesce());
        int sy8106a = s.steps().indexOf(new Step.RegisterDrivers(List.of("sy8106a")));
        assertTrue(late < timeout && timeout < sy8106a, "the SY8106A module came after the timeout fired: " + s.steps());
        DriverSpec lima = r.drivers().stream().filter(d -> d.name().equals("lima")).findFirst().orElseThrow();
        assertTrue(lima.fails());
    }

    @Test
    void vexpressHoldsTheAmbaDevicesQemuLacksAndSplitsAHalfFailingDriver() {
        BootReplay r = BootReplay.read(Captured.log("vexpress-a15"), Captured.bootedDtb("vexpress-a15"));
        Map<String, DriverSpec> drivers = r.drivers().stream().collect(Collectors.toMap(DriverSpec::name, d -> d));
        assertEquals(List.of("1c0f0000.watchdog", "2b0a0000.memory-controller", "7ffd0000.memory-controller",
                "7ffb0000.dma"), drivers.get(BootReplay.AMBA_MATCH).matches());
        assertEquals(List.of("0-0039"), drivers.get("sii902x").matches());
        assertEquals(List.of("0-0060"), drivers.get("sii902x" + BootReplay.FAILS_SUFFIX).matches());
        assertTrue(drivers.get("sii902x" + BootReplay.FAILS_SUFFIX).fails());
        assertEquals("sii902x", r.realDriver("sii902x" + BootReplay.FAILS_SUFFIX));
        DeviceSpec dma = r.scenario().devices().stream().filter(d -> d.name().equals("7ffb0000.dma")).findFirst()
                .orElseThrow();
        assertTrue(dma.suppliers().contains("7ffb0000.dma"), "held back by itself: its match never succeeds");
        assertTrue(r.devices().get("1c090000.serial").matchGated(), "no arm,primecell-periphid: the match reads it");

        ReplayComparison c = replay("vexpress-a15", EngineType.KERNEL);
        Map<String, ReplayComparison.Row> rows = c.devices().stream()
                .collect(Collectors.toMap(ReplayComparison.Row::device, x -> x));
        assertEquals(FinalState.DEFERRED, rows.get("7ffb0000.dma").engineState());
        assertEquals(0, rows.get("7ffb0000.dma").engineAttempts(), "match deferrals are no attempts");
        assertEquals(1, rows.get("1c090000.serial").engineAttempts(), "match-deferred until its clocks bound, then one");
    }

    @Test
    void raspi2bEndsWhereTheKernelDidAndTheTimedOutProbesAreTheExplainedDivergences() {
        ReplayComparison c = replay("raspi2b", EngineType.KERNEL);
        assertEquals(c.compared(), c.sameFinalState());
        assertEquals(List.of("3f806000.vec", "3f902000.hdmi", "3fc00000.v3d"),
                c.divergences().stream().map(ReplayComparison.Divergence::device).sorted().toList());
        assertTrue(c.divergences().stream().allMatch(d -> d.cause().contains("-ETIMEDOUT")), c.divergences().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"orangepi-pc", "vexpress-a15"})
    void everyRealEngineEndsEveryDeviceWhereTheKernelDid(String board) {
        for (EngineType type : EngineType.real()) {
            ReplayComparison c = replay(board, type);
            assertEquals(List.of(), c.violations(), type.engineName());
            assertEquals(c.compared(), c.sameFinalState(), type.engineName() + ": " + c.divergences());
        }
    }
}
