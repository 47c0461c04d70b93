package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;
import org.deferprobe.workload.realboot.ProbeAttempt.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Per-device histories folded from hand-made logs: each test is one way a probe can go in dd.c 6.1, with the
 * lines the captured logs print for it, in their order.
 */
class BootLogHistoryTest {
    private static BootLog log(String... lines) {
        return BootLog.parse("h.log", (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static List<Outcome> outcomes(DeviceHistory d) {
        return d.attempts().stream().map(ProbeAttempt::outcome).toList();
    }

    @Test
    void aSupplierNotReadyThenABindAfterARetry() {
        // orangepi-pc.dmesg, usb0-vbus: linked to the r_pio pinctrl, probed before it bound, retried
        BootLog l = log(
                "<7>[    0.600000] device: 'usb0-vbus': device_add",
                "<7>[    0.600100] platform usb0-vbus: Linked as a consumer to 1f02c00.pinctrl",
                "<7>[    0.711000] bus: 'platform': __driver_probe_device: matched device usb0-vbus with driver reg-fixed-voltage",
                "<7>[    0.711164] platform usb0-vbus: error -EPROBE_DEFER: supplier 1f02c00.pinctrl not ready",
                "<7>[    0.711540] probe of usb0-vbus returned -517 after 0 usecs",
                "<7>[    0.711600] platform usb0-vbus: Added to deferred list",
                "<7>[    8.240067] platform usb0-vbus: Retrying from deferred list",
                "<7>[    8.240100] bus: 'platform': __driver_probe_device: matched device usb0-vbus with driver reg-fixed-voltage",
                "<7>[    8.240200] bus: 'platform': really_probe: probing driver reg-fixed-voltage with device usb0-vbus",
                "<7>[    8.240300] driver: 'reg-fixed-voltage': driver_bound: bound to device 'usb0-vbus'",
                "<7>[    8.240400] bus: 'platform': really_probe: bound device usb0-vbus to driver reg-fixed-voltage",
                "<7>[    8.240500] probe of usb0-vbus returned 0 after 400 usecs");
        DeviceHistory d = l.devices().get("usb0-vbus");
        assertEquals(FinalState.BOUND, d.finalState());
        assertEquals("reg-fixed-voltage", d.driver());
        assertEquals("platform", d.bus());
        assertEquals(List.of(Outcome.SUPPLIER_NOT_READY, Outcome.BOUND), outcomes(d));
        assertFalse(d.attempts().get(0).probing());
        assertEquals("1f02c00.pinctrl", d.attempts().get(0).detail());
        assertEquals(0, d.attempts().get(0).usecs());
        assertEquals(400, d.attempts().get(1).usecs());
        assertEquals(1, d.probeCalls());
        assertEquals(List.of("supplier 1f02c00.pinctrl"), d.deferralReasons());
        assertEquals(List.of("1f02c00.pinctrl"), d.suppliers());
        assertEquals(1, d.retries());
        assertEquals(FinalState.NEVER_PROBED, l.devices().get("1f02c00.pinctrl").finalState(), "named only as a supplier");
        BootSummary s = l.summary();
        assertEquals(2, s.probeAttempts());
        assertEquals(1, s.probeCalls());
        assertEquals(1, s.binds());
        assertEquals(1, s.devicesBound());
        assertEquals(1, s.devicesEverDeferred());
        assertEquals(1, s.supplierNotReady());
        assertEquals(1, s.retries());
        assertEquals(0, s.stillDeferred());
        assertEquals(1, s.deviceLinks());
    }

    @Test
    void aDriverDeferralStillPendingAtTheTimeout() {
        // orangepi-pc.dmesg, cpufreq-dt: its probe asks for deferral (no cpu regulator), the timeout lists it
        BootLog l = log(
                "<7>[   52.777000] bus: 'platform': __driver_probe_device: matched device cpufreq-dt with driver cpufreq-dt",
                "<7>[   52.777100] bus: 'platform': really_probe: probing driver cpufreq-dt with device cpufreq-dt",
                "<7>[   52.777501] cpufreq-dt cpufreq-dt: Driver cpufreq-dt requests probe deferral",
                "<7>[   52.777600] probe of cpufreq-dt returned 517 after 600 usecs",
                "<7>[   52.777700] platform cpufreq-dt: Added to deferred list",
                "<6>[   62.999614] platform cpufreq-dt: deferred probe pending");
        DeviceHistory d = l.devices().get("cpufreq-dt");
        assertEquals(FinalState.DEFERRED, d.finalState());
        assertEquals(List.of(Outcome.DEFERRED_BY_DRIVER), outcomes(d));
        assertTrue(d.attempts().get(0).probing());
        assertTrue(d.pendingAtTimeout());
        assertEquals(List.of("driver cpufreq-dt"), d.deferralReasons());
        assertNull(d.driver());
        assertEquals(1, l.summary().stillDeferred());
        assertEquals(1, l.summary().pendingAtTimeout());
        assertEquals(1, l.summary().deferralsByDriver());
    }

    @Test
    void aNegativeDeferralAfterProbingIsTheCoresPinctrlOrDmaSetup() {
        // orangepi-pc.dmesg, 1c28000.serial: "probing driver", then -517 with no deferral line (pinctrl_bind_pins)
        BootLog l = log(
                "<7>[    7.345206] bus: 'platform': __driver_probe_device: matched device 1c28000.serial with driver dw-apb-uart",
                "<7>[    7.345260] bus: 'platform': really_probe: probing driver dw-apb-uart with device 1c28000.serial",
                "<7>[    7.345691] probe of 1c28000.serial returned -517 after 464 usecs",
                "<7>[    7.345723] platform 1c28000.serial: Added to deferred list");
        DeviceHistory d = l.devices().get("1c28000.serial");
        assertEquals(List.of(Outcome.DEFERRED_BY_CORE), outcomes(d));
        assertEquals(List.of("core"), d.deferralReasons());
        assertEquals(FinalState.DEFERRED, d.finalState());
        assertEquals(1, l.summary().coreDeferrals());
    }

    @Test
    void returnValuesAloneDecideWhenTheDynamicDebugReasonLinesAreMissing() {
        BootLog l = log(
                "bus: 'platform': __driver_probe_device: matched device a with driver da",
                "bus: 'platform': really_probe: probing driver da with device a",
                "probe of a returned 517 after 5 usecs",
                "bus: 'platform': __driver_probe_device: matched device b with driver db",
                "probe of b returned -517 after 0 usecs",
                "bus: 'platform': __driver_probe_device: matched device c with driver dc",
                "bus: 'platform': really_probe: probing driver dc with device c",
                "probe of c returned -12 after 7 usecs",
                "bus: 'platform': __driver_probe_device: matched device e with driver de",
                "bus: 'platform': really_probe: probing driver de with device e",
                "probe of e returned 0 after 7 usecs");
        assertEquals(List.of(Outcome.DEFERRED_BY_DRIVER), outcomes(l.devices().get("a")));
        assertEquals(List.of("driver da"), l.devices().get("a").deferralReasons());
        assertEquals(List.of(Outcome.SUPPLIER_NOT_READY), outcomes(l.devices().get("b")));
        assertEquals(List.of("supplier ?"), l.devices().get("b").deferralReasons());
        assertEquals(List.of(Outcome.FAILED), outcomes(l.devices().get("c")));
        assertEquals("-12", l.devices().get("c").attempts().get(0).detail());
        assertEquals(List.of(Outcome.UNKNOWN), outcomes(l.devices().get("e")),
                "6.1 returns 0 after a failed probe too: without a bind line the outcome is not known");
        assertEquals(FinalState.PROBE_FAILED, l.devices().get("e").finalState());
    }

    @Test
    void failuresAndRejectionsAreNotDeferrals() {
        // orangepi-pc.dmesg: lima fails with -EIO, sun8i-mixer rejects; both return 0 from really_probe
        BootLog l = log(
                "bus: 'platform': __driver_probe_device: matched device 1c40000.gpu with driver lima",
                "bus: 'platform': really_probe: probing driver lima with device 1c40000.gpu",
                "<4>[   28.805576] lima: probe of 1c40000.gpu failed with error -5",
                "probe of 1c40000.gpu returned 0 after 90 usecs",
                "bus: 'platform': __driver_probe_device: matched device 1100000.mixer with driver sun8i-mixer",
                "bus: 'platform': really_probe: probing driver sun8i-mixer with device 1100000.mixer",
                "sun8i-mixer: probe of 1100000.mixer rejects match -19",
                "probe of 1100000.mixer returned 0 after 9 usecs");
        assertEquals(List.of(Outcome.FAILED), outcomes(l.devices().get("1c40000.gpu")));
        assertEquals("-5", l.devices().get("1c40000.gpu").attempts().get(0).detail());
        assertEquals(List.of(Outcome.REJECTED), outcomes(l.devices().get("1100000.mixer")));
        assertEquals(FinalState.PROBE_FAILED, l.devices().get("1c40000.gpu").finalState());
        assertFalse(l.devices().get("1c40000.gpu").everDeferred());
        assertEquals(1, l.summary().failedProbes());
        assertEquals(1, l.summary().rejectedProbes());
    }

    @Test
    void busMatchDeferralsAreNotAttempts() {
        // vexpress-a15.dmesg: an AMBA device whose peripheral ID cannot be read defers in the bus's match
        BootLog l = log(
                "amba 1c0f0000.watchdog: Device match requests probe deferral",
                "amba 1c0f0000.watchdog: Added to deferred list",
                "amba 1c0f0000.watchdog: Retrying from deferred list",
                "amba 1c0f0000.watchdog: Device match requests probe deferral",
                "amba 1c0f0000.watchdog: Added to deferred list",
                "amba 1c090000.serial: Device match requests probe deferral",
                "amba 1c090000.serial: Added to deferred list",
                "amba 1c090000.serial: Retrying from deferred list",
                "bus: 'amba': __driver_probe_device: matched device 1c090000.serial with driver uart-pl011",
                "bus: 'amba': really_probe: probing driver uart-pl011 with device 1c090000.serial",
                "driver: 'uart-pl011': driver_bound: bound to device '1c090000.serial'",
                "amba 1c0f0000.watchdog: deferred probe pending");
        DeviceHistory w = l.devices().get("1c0f0000.watchdog");
        assertEquals(FinalState.DEFERRED, w.finalState());
        assertEquals(2, w.matchDeferrals());
        assertTrue(w.attempts().isEmpty());
        assertTrue(w.everDeferred());
        assertEquals("amba", w.bus());
        assertEquals(List.of("match", "match"), w.deferralReasons());
        DeviceHistory s = l.devices().get("1c090000.serial");
        assertEquals(FinalState.BOUND, s.finalState());
        assertEquals(List.of(Outcome.BOUND), outcomes(s));
        assertEquals(3, l.summary().matchDeferrals());
        assertEquals(1, l.summary().probeAttempts());
    }

    @Test
    void droppedAndRelaxedLinksLeaveTheSupplierList() {
        BootLog l = log(
                "platform 1c19000.usb: Linked as a consumer to 1c19400.phy",
                "platform 1c19000.usb: Linked as a consumer to 1c20000.clock",
                "platform 1c19000.usb: Linked as a consumer to 1c20800.pinctrl",
                "platform 1c19000.usb: Linked as a sync state only consumer to 1f00000.rtc",
                "platform 1c19000.usb: Relaxing link with 1c19400.phy",
                "platform 1c19000.usb: Dropping the link to 1c20800.pinctrl",
                "bus: 'platform': __driver_probe_device: matched device 1c19000.usb with driver musb-sunxi");
        DeviceHistory d = l.devices().get("1c19000.usb");
        assertEquals(List.of("1c20000.clock"), d.suppliers());
        assertEquals(List.of("1c19400.phy"), d.relaxedSuppliers());
        assertEquals(3, l.summary().deviceLinks(), "sync-state-only links are not counted");
        assertEquals(FinalState.PROBE_FAILED, d.finalState(), "the log ends during the attempt: not bound, not deferred");
        assertEquals(List.of(Outcome.UNKNOWN), outcomes(d));
        assertTrue(l.warnings().stream().anyMatch(w -> w.contains("1 probe attempts have no outcome")), l.warnings().toString());
    }

    @Test
    void aRemovedDeviceIsRemovedAndAReAddedOneIsNot() {
        BootLog l = log(
                "device: 'musb-hdrc.2.auto': device_add",
                "bus: 'platform': __driver_probe_device: matched device musb-hdrc.2.auto with driver musb-hdrc",
                "driver: 'musb-hdrc': driver_bound: bound to device 'musb-hdrc.2.auto'",
                "device: 'musb-hdrc.2.auto': device_unregister",
                "device: 'x.0.auto': device_add",
                "bus: 'platform': __driver_probe_device: matched device x.0.auto with driver x",
                "driver: 'x': driver_bound: bound to device 'x.0.auto'",
                "device: 'x.0.auto': device_unregister",
                "device: 'x.0.auto': device_add",
                "bus: 'platform': __driver_probe_device: matched device x.0.auto with driver x",
                "driver: 'x': driver_bound: bound to device 'x.0.auto'",
                "device: 'tty0': device_unregister");
        assertEquals(FinalState.REMOVED, l.devices().get("musb-hdrc.2.auto").finalState());
        assertNull(l.devices().get("musb-hdrc.2.auto").driver());
        assertEquals(FinalState.BOUND, l.devices().get("x.0.auto").finalState());
        assertEquals(2, l.devices().get("x.0.auto").attempts().size());
        assertFalse(l.devices().containsKey("tty0"), "a class device's removal makes no history");
        assertEquals(List.of("musb-hdrc.2.auto", "x.0.auto"), List.copyOf(l.added()));
    }

    @Test
    void eventsAndHistoriesAreImmutable() {
        BootLog l = log("bus: 'platform': __driver_probe_device: matched device a with driver d");
        assertThrowsUnsupported(() -> l.events().clear());
        assertThrowsUnsupported(() -> l.devices().clear());
        assertThrowsUnsupported(() -> l.devices().get("a").attempts().clear());
        assertThrowsUnsupported(() -> l.added().clear());
    }

    private static void assertThrowsUnsupported(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, r::run);
    }
}
