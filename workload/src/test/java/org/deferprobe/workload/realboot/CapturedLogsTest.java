package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deferprobe.workload.realboot.BootEvent.Phase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser on the three checked-in logs (src/test/resources/realboot, captured by scripts/realboot/capture.sh).
 * Every event count is checked against a plain substring count of the raw lines, which shares nothing with the
 * parser's regular expressions, and against the numbers {@code zgrep -c} gives (see the README there).
 */
class CapturedLogsTest {
    /** What a line of each kind contains, as plain substrings: an independent count. */
    private static final Map<Class<? extends BootEvent>, Predicate<String>> SUBSTRINGS = new LinkedHashMap<>();

    static {
        SUBSTRINGS.put(BootEvent.Matched.class, s -> s.contains("__driver_probe_device: matched device "));
        SUBSTRINGS.put(BootEvent.Probing.class, s -> s.contains("really_probe: probing driver "));
        SUBSTRINGS.put(BootEvent.ProbeBound.class, s -> s.contains("really_probe: bound device "));
        SUBSTRINGS.put(BootEvent.Bound.class, s -> s.contains("driver_bound: bound to device '"));
        SUBSTRINGS.put(BootEvent.ProbeReturned.class, s -> s.contains("] probe of ") && s.endsWith(" usecs"));
        SUBSTRINGS.put(BootEvent.ProbeFailed.class, s -> s.contains(": probe of ") && s.contains(" failed with error -"));
        SUBSTRINGS.put(BootEvent.ProbeRejected.class, s -> s.contains(": probe of ") && s.contains(" rejects match -"));
        SUBSTRINGS.put(BootEvent.WaitForSupplier.class, s -> s.contains(": probe deferral - wait for supplier "));
        SUBSTRINGS.put(BootEvent.DeferralRequested.class, s -> s.contains(": Driver ") && s.endsWith(" requests probe deferral"));
        SUBSTRINGS.put(BootEvent.MatchDeferred.class, s -> s.endsWith(": Device match requests probe deferral"));
        SUBSTRINGS.put(BootEvent.SupplierNotReady.class, s -> s.contains(": error -EPROBE_DEFER: supplier ") && s.endsWith(" not ready"));
        SUBSTRINGS.put(BootEvent.AddedToDeferredList.class, s -> s.endsWith(": Added to deferred list"));
        SUBSTRINGS.put(BootEvent.RetryingFromDeferredList.class, s -> s.endsWith(": Retrying from deferred list"));
        SUBSTRINGS.put(BootEvent.RemovedFromDeferredList.class, s -> s.endsWith(": Removed from deferred list"));
        SUBSTRINGS.put(BootEvent.DeferredProbePending.class, s -> s.endsWith(": deferred probe pending"));
        SUBSTRINGS.put(BootEvent.DeferredTimeoutExtended.class, s -> s.contains("] Extended deferred probe timeout by ") && s.endsWith(" secs"));
        SUBSTRINGS.put(BootEvent.DeferredTimeoutIgnored.class, s -> s.endsWith(": deferred probe timeout, ignoring dependency"));
        SUBSTRINGS.put(BootEvent.Linked.class, s -> s.contains(": Linked as a consumer to ") || s.contains(": Linked as a sync state only consumer to "));
        SUBSTRINGS.put(BootEvent.LinkDropped.class, s -> s.contains(": Dropping the link to "));
        SUBSTRINGS.put(BootEvent.LinkRelaxed.class, s -> s.contains(": Relaxing link with "));
        SUBSTRINGS.put(BootEvent.FwnodeLinked.class, s -> s.contains(" Linked as a fwnode consumer to "));
        SUBSTRINGS.put(BootEvent.FwnodeLinkDropped.class, s -> s.contains(" Dropping the fwnode link to "));
        SUBSTRINGS.put(BootEvent.NotLinking.class, s -> s.contains(": Not linking /"));
        SUBSTRINGS.put(BootEvent.DeviceAdded.class, s -> s.contains("] device: '") && s.endsWith("': device_add"));
        SUBSTRINGS.put(BootEvent.DeviceRemoved.class, s -> s.contains("] device: '") && s.endsWith("': device_unregister"));
        SUBSTRINGS.put(BootEvent.MovedToEnd.class, s -> s.contains("] devices_kset: Moving ") && s.endsWith(" to end of list"));
        SUBSTRINGS.put(BootEvent.InitcallStart.class, s -> s.contains("] calling  "));
        SUBSTRINGS.put(BootEvent.InitcallReturn.class, s -> s.contains("] initcall ") && s.endsWith(" usecs"));
        SUBSTRINGS.put(BootEvent.InitStarted.class, s -> s.endsWith("] Run /init as init process"));
        SUBSTRINGS.put(BootEvent.CycleMarker.class, s -> s.endsWith("----- cycle: start -----") || s.endsWith("----- cycle: end -----"));
        SUBSTRINGS.put(BootEvent.CycleDependency.class, s -> s.contains(": cycle: depends on /") || s.contains(": cycle: child of /"));
        SUBSTRINGS.put(BootEvent.CycleFixed.class, s -> s.contains(": Fixed dependency cycle(s) with /"));
        SUBSTRINGS.put(BootEvent.AsyncProbeScheduled.class, s -> s.endsWith(" asynchronously") && s.contains(": probing driver "));
        SUBSTRINGS.put(BootEvent.AsyncAttachCompleted.class, s -> s.contains(" async attach completed: "));
    }

    /** Fragments of every driver-core line: a skipped line must contain none of them. */
    private static final List<String> DRIVER_CORE = List.of("bus: '", "driver: '", "device: '", "deferred list",
            "probe deferral", "EPROBE_DEFER: supplier", "Linked as", "Dropping the", "probe of ", "devices_kset",
            "Not linking", "Relaxing link", "cycle", "deferred probe");

    /** Skipped lines that contain a fragment above and are known not to be dd.c or core.c lines. */
    private static final Pattern NOT_DRIVER_CORE = Pattern.compile(
            "\\] realboot: " // the capture's own markers (scripts/realboot/init)
            + "|\\] clocksource: .* max_cycles: " // timekeeping
            + "|\\] cpu cpu\\d: error -EPROBE_DEFER: (?:_opp_set_regulators|failed to set regulators)"); // OPP's dev_err_probe

    static List<String> boards() {
        return Captured.BOARDS;
    }

    private static String signature(BootEvent e) {
        return e.toString().replaceFirst("stamp=Stamp\\[[^\\]]*\\], ", "");
    }

    @ParameterizedTest
    @MethodSource("boards")
    void everyKindCountsWhatASubstringSearchCounts(String board) {
        List<String> lines = Captured.lines(board);
        BootLog log = BootLog.read(Captured.log(board));
        assertEquals(lines.size(), log.lines());
        Map<Class<?>, Integer> parsed = new LinkedHashMap<>();
        for (BootEvent e : log.events()) {
            parsed.merge(e.getClass(), 1, Integer::sum);
        }
        int total = 0;
        for (Map.Entry<Class<? extends BootEvent>, Predicate<String>> k : SUBSTRINGS.entrySet()) {
            int expected = (int) lines.stream().filter(k.getValue()).count();
            assertEquals(expected, parsed.getOrDefault(k.getKey(), 0), board + ": " + k.getKey().getSimpleName());
            total += expected;
        }
        assertEquals(total, log.recognized(), board + ": every recognized line is one of the kinds counted here");
    }

    @ParameterizedTest
    @MethodSource("boards")
    void noSkippedLineIsADriverCoreLine(String board) {
        List<String> lines = Captured.lines(board);
        BootLog log = BootLog.read(Captured.log(board));
        Set<Integer> recognized = new HashSet<>();
        log.events().forEach(e -> recognized.add(e.stamp().line()));
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!recognized.contains(i + 1) && DRIVER_CORE.stream().anyMatch(line::contains)
                    && !NOT_DRIVER_CORE.matcher(line).find()) {
                missed.add((i + 1) + ": " + line);
            }
        }
        assertEquals(List.of(), missed, board);
        assertEquals(lines.size() - log.recognized(), log.skipped());
    }

    @ParameterizedTest
    @MethodSource("boards")
    void timestampsAreKeptAndNeverGoBackwardsAndPhasesFollowTheBoot(String board) {
        BootLog log = BootLog.read(Captured.log(board));
        assertEquals("6.1.0-47-armmp", log.kernelRelease());
        assertEquals(List.of(), log.warnings(), board);
        long last = 0;
        Phase phase = Phase.INITCALLS;
        Map<Phase, Integer> matchedByPhase = new LinkedHashMap<>();
        for (BootEvent e : log.events()) {
            assertTrue(e.stamp().micros() >= last, board + " line " + e.stamp().line());
            assertTrue(e.stamp().phase().compareTo(phase) >= 0, board + " line " + e.stamp().line());
            last = e.stamp().micros();
            phase = e.stamp().phase();
            if (e instanceof BootEvent.Matched) {
                matchedByPhase.merge(phase, 1, Integer::sum);
            }
        }
        assertEquals(Phase.USERSPACE, phase);
        for (Phase p : Phase.values()) {
            assertTrue(matchedByPhase.getOrDefault(p, 0) > 0, board + ": probes in " + p + ": " + matchedByPhase);
        }
        BootEvent late = log.events().stream().filter(e -> e.stamp().phase() == Phase.LATE_INITCALL).findFirst().orElseThrow();
        assertEquals(new BootEvent.InitcallStart(late.stamp(), "deferred_probe_initcall", null), late);
    }

    /** dmesg without -r, dmesg -t, and /dev/kmsg records of the same log give the same events. */
    @ParameterizedTest
    @MethodSource("boards")
    void theSameLogInOtherFormatsGivesTheSameEvents(String board) {
        List<String> lines = Captured.lines(board);
        BootLog raw = BootLog.read(Captured.log(board));
        List<String> expected = raw.events().stream().map(CapturedLogsTest::signature).toList();
        Pattern p = Pattern.compile("^<(\\d+)>\\[\\s*(\\d+)\\.(\\d{6})\\] (.*)$");
        StringBuilder plain = new StringBuilder();
        StringBuilder bare = new StringBuilder();
        StringBuilder kmsg = new StringBuilder();
        int seq = 0;
        for (String line : lines) {
            Matcher m = p.matcher(line);
            assertTrue(m.matches(), board + ": a line dmesg -r did not print: " + line);
            plain.append(line.substring(line.indexOf('>') + 1)).append('\n');
            bare.append(m.group(4)).append('\n');
            kmsg.append(m.group(1)).append(',').append(seq++).append(',')
                    .append(Long.parseLong(m.group(2)) * 1_000_000 + Long.parseLong(m.group(3))).append(",-;")
                    .append(m.group(4)).append('\n');
        }
        BootLog fromPlain = BootLog.parse("plain", plain.toString().getBytes(StandardCharsets.UTF_8));
        BootLog fromBare = BootLog.parse("bare", bare.toString().getBytes(StandardCharsets.UTF_8));
        BootLog fromKmsg = BootLog.parse("kmsg", kmsg.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, fromPlain.events().stream().map(CapturedLogsTest::signature).toList());
        assertEquals(expected, fromBare.events().stream().map(CapturedLogsTest::signature).toList());
        assertEquals(expected, fromKmsg.events().stream().map(CapturedLogsTest::signature).toList());
        assertEquals(raw.events().stream().map(e -> e.stamp().micros()).toList(),
                fromKmsg.events().stream().map(e -> e.stamp().micros()).toList());
        assertTrue(fromBare.events().stream().allMatch(e -> e.stamp().micros() == -1));
        assertEquals(raw.summary(), fromBare.summary());
    }

    @ParameterizedTest
    @MethodSource("boards")
    void everyBoundDeviceHasABindLineAndEveryDeferredOneIsOnTheList(String board) {
        BootLog log = BootLog.read(Captured.log(board));
        for (DeviceHistory d : log.devices().values()) {
            switch (d.finalState()) {
                case BOUND -> {
                    assertNotNull(d.driver(), d.name());
                    assertTrue(log.events().stream().anyMatch(e -> e instanceof BootEvent.Bound b
                            && b.device().equals(d.name()) && b.driver().equals(d.driver())), d.name());
                }
                case DEFERRED -> assertTrue(d.everDeferred(), d.name());
                default -> {
                }
            }
            assertTrue(d.attempts().stream().noneMatch(a -> a.outcome() == ProbeAttempt.Outcome.UNKNOWN),
                    board + ": " + d.name() + " has an attempt without outcome: " + d.attempts());
        }
    }

    /**
     * The numbers of src/test/resources/realboot/README.md and docs/real-boots.md. The line counts are
     * {@code zgrep -c} of the checked-in files, for example {@code zgrep -c 'matched device' orangepi-pc.dmesg.gz}
     * (78), {@code zgrep -c 'really_probe: probing driver'} (73), {@code zgrep -c 'driver_bound: bound to device'}
     * (67), {@code zgrep -c 'requests probe deferral'} (2, all "Driver ... requests"), {@code zgrep -c
     * 'EPROBE_DEFER: supplier'} (5), {@code zgrep -c 'Retrying from deferred list'} (7), {@code zgrep -c
     * 'deferred probe pending'} (1); vexpress-a15: 52, 52, 44, 204 (all "Device match requests"), 0, 79, 4;
     * raspi2b: 87, 85, 34, 43, 2, 45, 0. The device counts come from the histories.
     */
    @org.junit.jupiter.api.Test
    void theBootsAsTheDocsDescribeThem() {
        BootSummary opi = BootLog.read(Captured.log("orangepi-pc")).summary();
        assertEquals(new BootSummary(83, 78, 73, 67, 67, 6, 2, 5, 0, 1, 0, 7, 2, 1, 1, 1, 64), opi);
        BootSummary vex = BootLog.read(Captured.log("vexpress-a15")).summary();
        assertEquals(new BootSummary(61, 52, 52, 44, 44, 16, 0, 0, 0, 0, 204, 79, 1, 7, 4, 4, 29), vex);
        BootSummary rpi = BootLog.read(Captured.log("raspi2b")).summary();
        assertEquals(new BootSummary(41, 87, 85, 34, 34, 6, 43, 2, 0, 1, 0, 45, 4, 3, 0, 0, 25), rpi);

        BootLog orangepi = BootLog.read(Captured.log("orangepi-pc"));
        DeviceHistory cpufreq = orangepi.devices().get("cpufreq-dt");
        assertEquals(DeviceHistory.FinalState.DEFERRED, cpufreq.finalState());
        assertTrue(cpufreq.pendingAtTimeout());
        assertEquals(30, orangepi.deferredProbeTimeout());
        BootLog raspi = BootLog.read(Captured.log("raspi2b"));
        for (String vc4 : List.of("3f806000.vec", "3f902000.hdmi", "3fc00000.v3d")) {
            DeviceHistory d = raspi.devices().get(vc4);
            assertEquals(DeviceHistory.FinalState.PROBE_FAILED, d.finalState(), vc4);
            assertEquals(ProbeAttempt.Outcome.FAILED, d.attempts().get(d.attempts().size() - 1).outcome(),
                    vc4 + ": after the timeout the component's probe fails instead of deferring");
        }
    }
}
