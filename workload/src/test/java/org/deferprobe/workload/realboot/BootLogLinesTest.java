package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.deferprobe.workload.realboot.BootEvent.AddedToDeferredList;
import org.deferprobe.workload.realboot.BootEvent.AsyncAttachCompleted;
import org.deferprobe.workload.realboot.BootEvent.AsyncProbeScheduled;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.CycleDependency;
import org.deferprobe.workload.realboot.BootEvent.CycleFixed;
import org.deferprobe.workload.realboot.BootEvent.CycleMarker;
import org.deferprobe.workload.realboot.BootEvent.DeferralRequested;
import org.deferprobe.workload.realboot.BootEvent.DeferredProbePending;
import org.deferprobe.workload.realboot.BootEvent.DeferredTimeoutExtended;
import org.deferprobe.workload.realboot.BootEvent.DeferredTimeoutIgnored;
import org.deferprobe.workload.realboot.BootEvent.DeviceAdded;
import org.deferprobe.workload.realboot.BootEvent.DeviceRemoved;
import org.deferprobe.workload.realboot.BootEvent.FwnodeLinkDropped;
import org.deferprobe.workload.realboot.BootEvent.FwnodeLinked;
import org.deferprobe.workload.realboot.BootEvent.InitStarted;
import org.deferprobe.workload.realboot.BootEvent.InitcallReturn;
import org.deferprobe.workload.realboot.BootEvent.InitcallStart;
import org.deferprobe.workload.realboot.BootEvent.LinkDropped;
import org.deferprobe.workload.realboot.BootEvent.LinkRelaxed;
import org.deferprobe.workload.realboot.BootEvent.Linked;
import org.deferprobe.workload.realboot.BootEvent.MatchDeferred;
import org.deferprobe.workload.realboot.BootEvent.Matched;
import org.deferprobe.workload.realboot.BootEvent.MovedToEnd;
import org.deferprobe.workload.realboot.BootEvent.NotLinking;
import org.deferprobe.workload.realboot.BootEvent.Phase;
import org.deferprobe.workload.realboot.BootEvent.ProbeBound;
import org.deferprobe.workload.realboot.BootEvent.ProbeFailed;
import org.deferprobe.workload.realboot.BootEvent.ProbeRejected;
import org.deferprobe.workload.realboot.BootEvent.ProbeReturned;
import org.deferprobe.workload.realboot.BootEvent.Probing;
import org.deferprobe.workload.realboot.BootEvent.RemovedFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.RetryingFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.Stamp;
import org.deferprobe.workload.realboot.BootEvent.SupplierNotReady;
import org.deferprobe.workload.realboot.BootEvent.WaitForSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of line, hand-made, with every prefix a log reader puts before it. The messages are the ones the
 * captured 6.1 logs print (copied from workload/src/test/resources/realboot), except where a test says it uses
 * an older or newer kernel's wording.
 */
class BootLogLinesTest {
    private static final Stamp AT = new Stamp(1, 1_234_567, Phase.INITCALLS);

    private static BootEvent one(String message) {
        return LineParser.parse(message, AT, Set.of("Fixed MDIO bus.0", "1c28000.serial"));
    }

    /** The ways a reader prints a debug-level message logged at 1.234567 s. */
    enum Prefix {
        PLAIN(m -> m, -1),
        TIMESTAMP(m -> "[    1.234567] " + m, 1_234_567),
        RAW(m -> "<7>[    1.234567] " + m, 1_234_567),
        RAW_WITHOUT_TIMESTAMP(m -> "<7>" + m, -1),
        KMSG(m -> "7,1001,1234567,-;" + m, 1_234_567),
        DMESG_X(m -> "kern  :debug : [    1.234567] " + m, 1_234_567),
        CALLER_ID(m -> "[    1.234567][    T1] " + m, 1_234_567),
        JOURNAL(m -> "Nov 21 14:40:29 board kernel: " + m, -1),
        SYSLOG_WITH_TIMESTAMP(m -> "2026-11-21T14:40:29.123456+00:00 board kernel: [    1.234567] " + m, 1_234_567),
        HUMAN_TIME(m -> "[Sat Nov 21 14:40:29 2026] " + m, -1),
        CONSOLE_CR(m -> "[    1.234567] " + m + "\r", 1_234_567);

        final Function<String, String> wrap;
        final long micros;

        Prefix(Function<String, String> wrap, long micros) {
            this.wrap = wrap;
            this.micros = micros;
        }
    }

    @ParameterizedTest
    @EnumSource(Prefix.class)
    void everyPrefixIsTakenOffAndTheTimestampKept(Prefix p) {
        String matched = "bus: 'platform': __driver_probe_device: matched device 1c28000.serial with driver dw-apb-uart";
        String log = p.wrap.apply(matched) + "\n" + p.wrap.apply("platform 1c28000.serial: Added to deferred list") + "\n";
        BootLog l = BootLog.parse("p.log", log.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, l.recognized(), p.name());
        Matched m = assertInstanceOf(Matched.class, l.events().get(0));
        assertEquals(new Matched(new Stamp(1, p.micros, Phase.INITCALLS), "platform", "1c28000.serial", "dw-apb-uart"), m);
        AddedToDeferredList a = assertInstanceOf(AddedToDeferredList.class, l.events().get(1));
        assertEquals("1c28000.serial", a.device());
    }

    @Test
    void timestampsWithFewerOrMoreFractionDigitsAreMicroseconds() {
        assertEquals(12_500_000, LineParser.strip("[   12.5] x").micros());
        assertEquals(3_000_001, LineParser.strip("[3.000001999] x").micros());
        assertEquals("x", LineParser.strip("<6>[ 0.000000] x").text());
    }

    @Test
    void initcallDebugLines() {
        assertEquals(new InitcallStart(AT, "deferred_probe_initcall", null), one("calling  deferred_probe_initcall+0x0/0xb0 @ 1"));
        assertEquals(new InitcallStart(AT, "sun8i_dwmac_driver_init", "dwmac_sun8i"),
                one("calling  sun8i_dwmac_driver_init+0x0/0x1000 [dwmac_sun8i] @ 119"));
        assertEquals(new InitcallReturn(AT, "exynos_mcpm_init", null, -19, 0),
                one("initcall exynos_mcpm_init+0x0/0x148 returned -19 after 0 usecs"));
        assertEquals(new InitcallReturn(AT, "sun6i_dma_driver_init", "sun6i_dma", 0, 58781),
                one("initcall sun6i_dma_driver_init+0x0/0x1000 [sun6i_dma] returned 0 after 58781 usecs"));
        assertEquals(new InitStarted(AT, "/init"), one("Run /init as init process"));
    }

    @Test
    void coreDeviceLines() {
        assertEquals(new DeviceAdded(AT, "Fixed MDIO bus.0"), one("device: 'Fixed MDIO bus.0': device_add"));
        assertEquals(new DeviceRemoved(AT, "platform:1f02c00.pinctrl--platform:gpio-keys"),
                one("device: 'platform:1f02c00.pinctrl--platform:gpio-keys': device_unregister"));
        assertEquals(new MovedToEnd(AT, "1c28000.serial"), one("devices_kset: Moving 1c28000.serial to end of list"));
    }

    @Test
    void ddProbeLines() {
        assertEquals(new Matched(AT, "platform", "1c28000.serial", "dw-apb-uart"),
                one("bus: 'platform': __driver_probe_device: matched device 1c28000.serial with driver dw-apb-uart"));
        assertEquals(new Matched(AT, "platform", "1c28000.serial", "dw-apb-uart"),
                one("bus: 'platform': driver_probe_device: matched device 1c28000.serial with driver dw-apb-uart"),
                "the wording of older kernels, before __driver_probe_device");
        assertEquals(new Probing(AT, "amba", "uart-pl011", "1c090000.serial"),
                one("bus: 'amba': really_probe: probing driver uart-pl011 with device 1c090000.serial"));
        assertEquals(new ProbeBound(AT, "platform", "1c28000.serial", "dw-apb-uart"),
                one("bus: 'platform': really_probe: bound device 1c28000.serial to driver dw-apb-uart"));
        assertEquals(new Bound(AT, "dw-apb-uart", "1c28000.serial"),
                one("driver: 'dw-apb-uart': driver_bound: bound to device '1c28000.serial'"));
        assertEquals(new ProbeReturned(AT, "1c22c00.codec", 517, 1014), one("probe of 1c22c00.codec returned 517 after 1014 usecs"));
        assertEquals(new ProbeReturned(AT, "usb0-vbus", -517, 0), one("probe of usb0-vbus returned -517 after 0 usecs"));
        assertEquals(new ProbeFailed(AT, "lima", "1c40000.gpu", -5), one("lima: probe of 1c40000.gpu failed with error -5"));
        assertEquals(new ProbeRejected(AT, "simple-pm-bus", "bus@8000000:motherboard-bus@8000000", -19),
                one("simple-pm-bus: probe of bus@8000000:motherboard-bus@8000000 rejects match -19"));
        assertEquals(new AsyncProbeScheduled(AT, "1c0f000.mmc", "sunxi-mmc"),
                one("platform 1c0f000.mmc: probing driver sunxi-mmc asynchronously"));
        assertEquals(new AsyncProbeScheduled(AT, "1c0f000.mmc", null), one("platform 1c0f000.mmc: scheduling asynchronous probe"));
        assertEquals(new AsyncAttachCompleted(AT, "1c0f000.mmc", "sunxi-mmc", 1),
                one("sunxi-mmc 1c0f000.mmc: driver sunxi-mmc async attach completed: 1"));
    }

    @Test
    void ddDeferralLines() {
        assertEquals(new DeferralRequested(AT, "1c22c00.codec", "sun4i-codec"),
                one("sun4i-codec 1c22c00.codec: Driver sun4i-codec requests probe deferral"));
        assertEquals(new MatchDeferred(AT, "amba", "1c0f0000.watchdog"), one("amba 1c0f0000.watchdog: Device match requests probe deferral"));
        assertEquals(new AddedToDeferredList(AT, "1c22c00.codec"), one("platform 1c22c00.codec: Added to deferred list"));
        assertEquals(new RemovedFromDeferredList(AT, "1c22c00.codec"), one("platform 1c22c00.codec: Removed from deferred list"));
        assertEquals(new RetryingFromDeferredList(AT, "1c22c00.codec"), one("platform 1c22c00.codec: Retrying from deferred list"));
        assertEquals(new DeferredProbePending(AT, "cpufreq-dt", null), one("platform cpufreq-dt: deferred probe pending"));
        assertEquals(new DeferredProbePending(AT, "cpufreq-dt", "cpu0: no regulator"),
                one("platform cpufreq-dt: deferred probe pending: cpu0: no regulator"), "newer kernels add the reason");
        assertEquals(new DeferredTimeoutExtended(AT, 10), one("Extended deferred probe timeout by 10 secs"));
        assertEquals(new DeferredTimeoutIgnored(AT, "3f806000.vec"), one("vc4_vec 3f806000.vec: deferred probe timeout, ignoring dependency"));
    }

    @Test
    void coreSupplierAndLinkLines() {
        assertEquals(new SupplierNotReady(AT, "usb0-vbus", "1f02c00.pinctrl"),
                one("platform usb0-vbus: error -EPROBE_DEFER: supplier 1f02c00.pinctrl not ready"));
        assertEquals(new SupplierNotReady(AT, "usb0-vbus", "1f02c00.pinctrl"),
                one("platform usb0-vbus: probe deferral - supplier 1f02c00.pinctrl not ready"), "the wording before dev_err_probe");
        assertEquals(new WaitForSupplier(AT, "usb0-vbus", "pinctrl@1f02c00"),
                one("platform usb0-vbus: probe deferral - wait for supplier pinctrl@1f02c00"));
        assertEquals(new Linked(AT, "1c28000.serial", "1c20000.clock", false),
                one("platform 1c28000.serial: Linked as a consumer to 1c20000.clock"));
        assertEquals(new Linked(AT, "1100000.mixer", "1c0c000.lcd-controller", true),
                one("platform 1100000.mixer: Linked as a sync state only consumer to 1c0c000.lcd-controller"));
        assertEquals(new LinkDropped(AT, "gpio-keys", "1f02c00.pinctrl"), one("platform gpio-keys: Dropping the link to 1f02c00.pinctrl"));
        assertEquals(new LinkRelaxed(AT, "1c19000.usb", "1c19400.phy"), one("platform 1c19000.usb: Relaxing link with 1c19400.phy"));
        assertEquals(new NotLinking(AT, "soc", "/soc/interrupt-controller@1c81000", "might never become dev"),
                one("platform soc: Not linking /soc/interrupt-controller@1c81000 - might never become dev"));
        assertEquals(new FwnodeLinked(AT, "clock@1000000", "clock@1c20000"), one("clock@1000000 Linked as a fwnode consumer to clock@1c20000"));
        assertEquals(new FwnodeLinkDropped(AT, "mixer@1100000", "clock@1000000"),
                one("mixer@1100000 Dropping the fwnode link to clock@1000000"));
        assertEquals(new CycleMarker(AT, true), one("----- cycle: start -----"));
        assertEquals(new CycleMarker(AT, false), one("----- cycle: end -----"));
        assertEquals(new CycleDependency(AT, "/soc/hdmi@1ee0000", "depends on", "/soc/lcd-controller@1c0c000"),
                one("/soc/hdmi@1ee0000: cycle: depends on /soc/lcd-controller@1c0c000"));
        assertEquals(new CycleDependency(AT, "/soc/gpio@7e200000/gpioout", "child of", "/soc/gpio@7e200000"),
                one("/soc/gpio@7e200000/gpioout: cycle: child of /soc/gpio@7e200000"));
        assertEquals(new CycleFixed(AT, "/soc/mixer@1100000", "/soc/lcd-controller@1c0c000"),
                one("/soc/mixer@1100000: Fixed dependency cycle(s) with /soc/lcd-controller@1c0c000"));
    }

    /** One hand-made line per kind of event: a kind added to {@link BootEvent} without a line here fails. */
    @Test
    void everyKindOfEventHasAHandMadeLine() {
        List<String> oneOfEach = List.of("calling  deferred_probe_initcall+0x0/0xb0 @ 1",
                "initcall deferred_probe_initcall+0x0/0xb0 returned 0 after 158654 usecs", "Run /init as init process",
                "device: 'Fixed MDIO bus.0': device_add", "device: 'Fixed MDIO bus.0': device_unregister",
                "bus: 'platform': __driver_probe_device: matched device 1c28000.serial with driver dw-apb-uart",
                "amba 1c0f0000.watchdog: Device match requests probe deferral",
                "bus: 'platform': really_probe: probing driver dw-apb-uart with device 1c28000.serial",
                "probe of 1c28000.serial returned -517 after 413 usecs",
                "bus: 'platform': really_probe: bound device 1c28000.serial to driver dw-apb-uart",
                "driver: 'dw-apb-uart': driver_bound: bound to device '1c28000.serial'",
                "cpufreq-dt cpufreq-dt: Driver cpufreq-dt requests probe deferral",
                "platform usb0-vbus: error -EPROBE_DEFER: supplier 1f02c00.pinctrl not ready",
                "platform usb0-vbus: probe deferral - wait for supplier pinctrl@1f02c00",
                "platform 1c28000.serial: Added to deferred list", "platform 1c28000.serial: Removed from deferred list",
                "platform 1c28000.serial: Retrying from deferred list", "platform cpufreq-dt: deferred probe pending",
                "Extended deferred probe timeout by 30 secs",
                "vc4_vec 3f806000.vec: deferred probe timeout, ignoring dependency",
                "platform 1c28000.serial: Linked as a consumer to 1c20000.clock",
                "platform gpio-keys: Dropping the link to 1f02c00.pinctrl",
                "clock@1000000 Linked as a fwnode consumer to clock@1c20000",
                "mixer@1100000 Dropping the fwnode link to clock@1000000",
                "lima: probe of 1c40000.gpu failed with error -5", "sun8i-mixer: probe of 1100000.mixer rejects match -19",
                "devices_kset: Moving 1c28000.serial to end of list",
                "platform soc: Not linking /soc/interrupt-controller@1c81000 - might never become dev",
                "platform 1400000.deinterlace: Relaxing link with 1c62000.dram-controller", "----- cycle: start -----",
                "/soc/hdmi@1ee0000: cycle: depends on /soc/lcd-controller@1c0c000",
                "/soc/mixer@1100000: Fixed dependency cycle(s) with /soc/lcd-controller@1c0c000",
                "platform 1c1a400.usb: probing driver ohci-platform asynchronously",
                "ohci-platform 1c1b400.usb: driver ohci-platform async attach completed: 0");
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        for (String line : oneOfEach) {
            BootEvent e = one(line);
            assertFalse(e == null, line);
            seen.add(e.getClass());
        }
        assertEquals(java.util.Set.of(BootEvent.class.getPermittedSubclasses()), seen);
    }

    @Test
    void deviceNamesWithSpacesAndColonsAreSplitByTheDevicesTheLogAdded() {
        assertEquals(new AddedToDeferredList(AT, "Fixed MDIO bus.0"), one("platform Fixed MDIO bus.0: Added to deferred list"));
        assertEquals(new AddedToDeferredList(AT, "Fixed MDIO bus.0"),
                one("SMSC LAN8710/LAN8720 Fixed MDIO bus.0: Added to deferred list"), "a driver name with spaces");
        assertEquals(new AddedToDeferredList(AT, "bus@8000000:motherboard-bus@8000000:mcc:oscclk1"),
                one("platform bus@8000000:motherboard-bus@8000000:mcc:oscclk1: Added to deferred list"));
        assertEquals(new AddedToDeferredList(AT, "mmc0:0001"), one("mmcblk mmc0:0001: Added to deferred list"),
                "not added yet: split at the first space");
        assertEquals(new AddedToDeferredList(AT, "orphan"), one("orphan: Added to deferred list"), "an empty driver string");
    }

    @Test
    void linesNotFromTheDriverCoreAreNotEvents() {
        for (String s : List.of("", "Booting Linux on physical CPU 0x0", "cpu cpu0: error -EPROBE_DEFER: failed to set regulators",
                "sunxi-wdt 1c20ca0.watchdog: Watchdog enabled (timeout=16 sec, nowayout=0)",
                "calling  something", "initcall x returned many after 3 usecs", "probe of x returned 99999999999 after 1 usecs",
                "bus: 'platform': __driver_probe_device: matched device", "realboot: modalias pass 1: 53 aliases")) {
            assertNull(one(s), s);
        }
    }

    @Test
    void unknownLinesAreSkippedAndCountedAndPhasesFollowTheBoundaries() {
        String log = String.join("\n",
                "<6>[    0.000000] Linux version 6.1.0-47-armmp (debian-kernel@lists.debian.org) #1 SMP Debian 6.1.170-3",
                "<7>[    0.400000] bus: 'platform': __driver_probe_device: matched device a with driver d",
                "<6>[    0.500000] something a driver says",
                "<7>[    8.239479] calling  deferred_probe_initcall+0x0/0xb0 @ 1",
                "<7>[    8.300000] bus: 'platform': __driver_probe_device: matched device b with driver d",
                "<6>[   10.393620] Run /init as init process",
                "<7>[   20.000000] calling  foo_init+0x0/0x1000 [foo] @ 119",
                "garbage \u00ff\u00fe here",
                "<7>[   20.100000] bus: 'platform': __driver_probe_device: matched device c with driver e",
                "");
        BootLog l = BootLog.parse("phases.log", log.getBytes(StandardCharsets.UTF_8));
        assertEquals(9, l.lines(), "the final newline ends the last line, it does not start another");
        assertEquals(6, l.recognized());
        assertEquals(3, l.skipped(), "the version line, the driver's message and the garbage line");
        assertEquals("6.1.0-47-armmp", l.kernelRelease());
        List<Phase> phases = l.events().stream().map(e -> e.stamp().phase()).toList();
        assertEquals(List.of(Phase.INITCALLS, Phase.LATE_INITCALL, Phase.LATE_INITCALL, Phase.USERSPACE, Phase.USERSPACE,
                Phase.USERSPACE), phases);
        assertEquals(List.of(2, 4, 5, 6, 7, 9), l.events().stream().map(e -> e.stamp().line()).toList());
        assertFalse(l.truncated());
    }

    @Test
    void theCommandLineGivesTheDeferredProbeTimeout() {
        String probe = "bus: 'platform': __driver_probe_device: matched device a with driver d\n";
        BootLog with = BootLog.parse("c.log", ("<5>[    0.000000] Kernel command line: console=ttyS0 initcall_debug "
                + "deferred_probe_timeout=30 log_buf_len=16M\n" + probe).getBytes(StandardCharsets.UTF_8));
        assertEquals("console=ttyS0 initcall_debug deferred_probe_timeout=30 log_buf_len=16M", with.commandLine());
        assertEquals(30, with.deferredProbeTimeout());
        BootLog without = BootLog.parse("c.log", ("Kernel command line: console=ttyS0 xdeferred_probe_timeout=5\n" + probe)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(10, without.deferredProbeTimeout(), "6.1's default; a longer parameter name is not it");
        BootLog none = BootLog.parse("c.log", probe.getBytes(StandardCharsets.UTF_8));
        assertNull(none.commandLine());
        assertEquals(10, none.deferredProbeTimeout());
    }

    @Test
    void aModuleInitcallStartsUserspaceWhenTheLogLacksTheInitLine() {
        String log = "calling  bar_init+0x0/0x1000 [bar] @ 100\n"
                + "bus: 'platform': __driver_probe_device: matched device a with driver bar\n";
        BootLog l = BootLog.parse("m.log", log.getBytes(StandardCharsets.UTF_8));
        assertEquals(Phase.USERSPACE, l.events().get(0).stamp().phase());
        assertTrue(l.warnings().stream().anyMatch(w -> w.contains("does not start at boot")), l.warnings().toString());
    }
}
