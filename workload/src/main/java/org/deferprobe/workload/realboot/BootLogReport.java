package org.deferprobe.workload.realboot;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.deferprobe.workload.ScenarioException;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.devicetree.DeviceTreeScenario;

/**
 * Prints what a captured boot log says: parser coverage (lines recognized and skipped, events by kind),
 * the boot's counts, the devices that deferred or did not bind, and, with a blob, how many of the log's
 * device names map to a node and how many of the tree's devices the log names. For docs/real-boots.md
 * and for engineers checking their own board's log; the {@code replay} command ({@link BootReplay}) builds on the
 * same classes.
 *
 * <pre>
 * java -cp workload/target/classes:engine/target/classes \
 *     org.deferprobe.workload.realboot.BootLogReport LOG [BOARD.dtb] [--devices]
 * </pre>
 *
 * {@code --devices} lists every device with its attempts and final state, and every name mapping.
 * Exit status 0; 2 for bad usage or a bad log or blob (one line on stderr).
 */
public final class BootLogReport {
    private BootLogReport() {
    }

    public static void main(String[] args) {
        Path log = null;
        Path dtb = null;
        boolean devices = false;
        for (String a : args) {
            if (a.equals("--devices")) {
                devices = true;
            } else if (a.startsWith("--") || dtb != null) {
                fail("unexpected argument " + a);
            } else if (log == null) {
                log = Path.of(a);
            } else {
                dtb = Path.of(a);
            }
        }
        if (log == null) {
            fail("usage: BootLogReport LOG [BOARD.dtb] [--devices]");
        }
        try {
            report(log, dtb, devices, System.out);
        } catch (ScenarioException | DeviceTreeException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("BootLogReport: " + message);
        System.exit(2);
    }

    /** Prints the report of {@code log} (and {@code dtb}, if not null) to {@code out}. */
    static void report(Path logFile, Path dtb, boolean devices, PrintStream out) {
        BootLog log = BootLog.read(logFile);
        out.printf("log: %s, kernel %s%n", log.source(), log.kernelRelease() == null ? "unknown" : log.kernelRelease());
        out.printf("lines: %d, recognized %d, skipped %d%s%n", log.lines(), log.recognized(), log.skipped(),
                log.truncated() ? ", last line cut" : "");
        for (String w : log.warnings()) {
            out.println("warning: " + w);
        }
        Map<String, Integer> kinds = new TreeMap<>();
        for (BootEvent e : log.events()) {
            kinds.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        }
        out.println("events: " + kinds);
        BootSummary s = log.summary();
        out.printf("devices: %d named by driver-core lines; %d bound, %d deferred at the end, %d ever deferred%n",
                s.devices(), s.devicesBound(), s.stillDeferred(), s.devicesEverDeferred());
        out.printf("probes: %d attempts, %d probe calls, %d binds, %d failed, %d rejected%n", s.probeAttempts(),
                s.probeCalls(), s.binds(), s.failedProbes(), s.rejectedProbes());
        out.printf("deferrals: %d by drivers, %d supplier not ready, %d wait for supplier, %d by the core before probe, "
                + "%d by bus match; %d retries; %d pending at the timeout; %d device links%n", s.deferralsByDriver(),
                s.supplierNotReady(), s.waitForSupplier(), s.coreDeferrals(), s.matchDeferrals(), s.retries(),
                s.pendingAtTimeout(), s.deviceLinks());
        for (DeviceHistory d : log.devices().values()) {
            if (devices || d.everDeferred() || d.finalState() == DeviceHistory.FinalState.DEFERRED
                    || d.finalState() == DeviceHistory.FinalState.PROBE_FAILED) {
                out.printf("  %-40s %-12s %-8s attempts %d%s%s%n", d.name(), d.finalState(), d.bus(),
                        d.attempts().size(), d.driver() == null ? "" : " driver " + d.driver(),
                        d.deferralReasons().isEmpty() ? "" : " deferred: " + d.deferralReasons());
            }
        }
        if (dtb == null) {
            return;
        }
        DeviceNameMap names = DeviceNameMap.read(dtb, log);
        long busDevices = log.devices().values().stream().filter(d -> !d.bus().isEmpty()).count();
        long busMapped = log.devices().values().stream().filter(d -> !d.bus().isEmpty())
                .filter(d -> names.node(d.name()).isPresent()).count();
        out.printf("names: %d of %d device names map to a node of %s (%d of %d devices with a bus)%n",
                names.mappedCount(), names.mappings().size(), dtb.getFileName(), busMapped, busDevices);
        Map<String, Integer> reasons = new TreeMap<>();
        for (DeviceNameMap.Mapping m : names.mappings().values()) {
            reasons.merge(m.mapped() ? "mapped " + m.how() : "unmapped: " + m.note().replaceAll(" \\(.*", ""), 1,
                    Integer::sum);
            if (devices) {
                out.printf("  %-40s %s%n", m.device(), m.mapped() ? m.node() + " (" + m.how() + ")" : "-- " + m.note());
            }
        }
        reasons.forEach((k, v) -> out.printf("  %3d %s%n", v, k));
        int inLog = 0;
        int addedOnly = 0;
        var tree = DeviceTreeScenario.load(dtb, 0);
        StringBuilder absent = new StringBuilder();
        for (var d : tree.devices()) {
            String id = names.expectedName(d.name()).orElse("");
            if (log.devices().containsKey(id)) {
                inLog++;
            } else if (log.added().contains(id)) {
                addedOnly++;
            } else {
                absent.append(absent.length() == 0 ? "" : ", ").append(d.name());
            }
        }
        out.printf("tree: %d devices (docs/scenario-format.md rule 1): %d named by driver-core lines, %d only added, "
                + "%d absent from the log%s%n", tree.devices().size(), inLog, addedOnly,
                tree.devices().size() - inLog - addedOnly, absent.length() == 0 ? "" : ": " + absent);
    }
}
