package org.deferprobe.workload.realboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.deferprobe.engine.Stats;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;

/**
 * A replay's run on one engine beside the real boot: for every device the log and the tree share, where it ended
 * and how many probe attempts it took, in the kernel and on the engine, and every difference with its likely
 * cause. Immutable.
 *
 * <p>Probe attempts are counted as dd.c's "matched device" lines count them: every really_probe entry, a deferral
 * on a supplier link that is not ready included (device_links_check_suppliers runs inside really_probe, before the
 * driver's probe), except on the amba bus, whose supplier deferrals stand for amba_match's deferrals, which are
 * no attempts ({@link BootReplay.Device#matchGated}). Final states use the log's words: an engine's device that
 * was attempted and is neither bound nor deferred is {@link FinalState#PROBE_FAILED}, as the parser calls a device
 * whose probes failed or were rejected.
 *
 * @param engine            the engine's name
 * @param devices           one row per compared device, in the log's registration order
 * @param sameFinalState    how many rows end in the same state
 * @param sameProbeAttempts how many rows have as many probe attempts
 * @param divergences       every row that differs, with why
 * @param stats             the engine's counters for the whole run (the {@value BootReplay#AMBA_MATCH} driver's
 *                          deferrals included, as supplier deferrals)
 * @param makespanMicros    from the first registration to the last bind
 * @param violations        the run's violations (a quiescence timeout, the engine's own checks)
 * @param errors            probes that threw, calls that were refused
 * @param warnings          what makes this comparison less than exact, one line each
 */
public record ReplayComparison(String engine, List<Row> devices, int sameFinalState, int sameProbeAttempts,
                               List<Divergence> divergences, Stats stats, long makespanMicros,
                               List<String> violations, List<String> errors, List<String> warnings) {

    /**
     * One device in the kernel and on the engine.
     *
     * @param realDriver   the driver the kernel bound it to, or null
     * @param engineDriver the kernel's name of the driver the engine bound it to, or null
     */
    public record Row(String device, String node, String bus, FinalState realState, int realAttempts, String realDriver,
                      FinalState engineState, int engineAttempts, String engineDriver) {
        /** The same state, and for a bound device the same driver. */
        public boolean sameFinalState() {
            return realState == engineState && (realState != FinalState.BOUND
                    || java.util.Objects.equals(realDriver, engineDriver));
        }

        public boolean sameProbeAttempts() {
            return realAttempts == engineAttempts;
        }
    }

    /**
     * A device that ended differently or took a different number of attempts.
     *
     * @param what  what differs, e.g. "attempts 3 real, 2 kernel"
     * @param cause the likely cause: what the replay knew it could not reproduce, or else the two histories side by
     *              side
     */
    public record Divergence(String device, String what, String cause) {
    }

    public ReplayComparison {
        devices = List.copyOf(devices);
        divergences = List.copyOf(divergences);
        violations = List.copyOf(violations);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** How many devices were compared. */
    public int compared() {
        return devices.size();
    }

    /** The run of {@code replay}'s scenario that {@code result} and {@code events} recorded, compared. */
    public static ReplayComparison of(BootReplay replay, RunResult result, ReplayEvents events) {
        Set<String> bound = new TreeSet<>(result.bound());
        Set<String> failed = new TreeSet<>(result.failed());
        Set<String> live = new TreeSet<>(result.bound());
        live.addAll(result.deferred().keySet());
        live.addAll(result.failed());
        live.addAll(result.unbound());
        List<Row> rows = new ArrayList<>();
        List<Divergence> divergences = new ArrayList<>();
        int sameState = 0;
        int sameAttempts = 0;
        for (BootReplay.Device d : replay.devices().values()) {
            List<ReplayEvents.Attempt> attempts = events.attempts(d.name());
            int n = counted(d, attempts);
            FinalState state;
            if (!live.contains(d.name())) {
                state = FinalState.REMOVED;
            } else if (bound.contains(d.name())) {
                state = FinalState.BOUND;
            } else if (result.deferred().containsKey(d.name())) {
                state = FinalState.DEFERRED;
            } else if (failed.contains(d.name()) || n > 0) {
                state = FinalState.PROBE_FAILED;
            } else {
                state = FinalState.NEVER_PROBED;
            }
            String drv = events.boundTo(d.name());
            Row row = new Row(d.name(), d.node(), d.bus(), d.realState(), d.realAttempts(), d.realDriver(), state, n,
                    drv == null ? null : replay.realDriver(drv));
            rows.add(row);
            sameState += row.sameFinalState() ? 1 : 0;
            sameAttempts += row.sameProbeAttempts() ? 1 : 0;
            if (!row.sameFinalState() || !row.sameProbeAttempts()) {
                divergences.add(new Divergence(d.name(), what(row, result.engine()), cause(d, row, attempts)));
            }
        }
        List<String> warnings = new ArrayList<>();
        int expected = replay.driversBeforeTimeout();
        int fired = events.driversWhenTimeoutFired();
        if (expected >= 0 && fired >= 0 && fired < expected) {
            warnings.add("the model's deferred_probe_timeout fired after " + fired + " of the " + expected
                    + " drivers the log registered before it: the run was slower than the replay's timeout allows");
        }
        if (expected >= 0) {
            Set<String> real = new TreeSet<>();
            for (BootEvent e : replay.log().events()) {
                if (e instanceof BootEvent.DeferredProbePending p && replay.devices().containsKey(p.device())) {
                    real.add(p.device());
                }
            }
            Set<String> model = new TreeSet<>(result.deferredProbePending().keySet());
            model.retainAll(replay.devices().keySet());
            if (!real.equals(model)) {
                warnings.add("the deferred_probe_timeout listed " + model + " as pending, the kernel " + real);
            }
        }
        return new ReplayComparison(result.engine(), rows, sameState, sameAttempts, divergences, result.stats(),
                events.makespanMicros(), result.violations(), result.errors(), warnings);
    }

    /** Attempts as the kernel counts them: on a match-gated bus, deferrals on suppliers are the match's, not attempts. */
    static int counted(BootReplay.Device d, List<ReplayEvents.Attempt> attempts) {
        if (!d.matchGated()) {
            return attempts.size();
        }
        return (int) attempts.stream().filter(a -> a.kind() != ReplayEvents.Kind.SUPPLIER_NOT_BOUND).count();
    }

    private static String what(Row r, String engine) {
        List<String> parts = new ArrayList<>();
        if (!r.sameFinalState()) {
            parts.add("final state " + word(r.realState()) + (r.realDriver() == null ? "" : " (" + r.realDriver() + ")")
                    + " real, " + word(r.engineState()) + (r.engineDriver() == null ? "" : " (" + r.engineDriver() + ")")
                    + " " + engine);
        }
        if (!r.sameProbeAttempts()) {
            parts.add("attempts " + r.realAttempts() + " real, " + r.engineAttempts() + " " + engine);
        }
        return String.join("; ", parts);
    }

    /** A final state as the reports print it: bound, deferred, probe-failed, never-probed, removed. */
    public static String word(FinalState s) {
        return s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String cause(BootReplay.Device d, Row r, List<ReplayEvents.Attempt> attempts) {
        if (!d.caveats().isEmpty()) {
            return String.join("; ", d.caveats());
        }
        StringBuilder b = new StringBuilder();
        Set<String> realWaits = new TreeSet<>();
        d.realReasons().forEach(x -> realWaits.add(x.replaceFirst("^supplier ", "")));
        Set<String> engineWaits = new TreeSet<>();
        for (ReplayEvents.Attempt a : attempts) {
            if (a.detail() != null) {
                engineWaits.add(a.detail().replaceFirst("^(wait for supplier|waiting for) ", ""));
            }
        }
        if (r.sameFinalState() && !realWaits.isEmpty() && realWaits.equals(engineWaits)) {
            b.append(r.engineAttempts() < r.realAttempts() ? "fewer" : "more").append(" retries while it waited for ")
                    .append(String.join(", ", realWaits)).append(": a deferred device is retried by the deferred "
                    + "passes that reach it, which the kernel runs after every bind for every deferred device; "
                    + "which binds start a pass that retries it, and how passes coalesce, decide the count; ");
        }
        b.append("the kernel: ").append(d.realReasons().isEmpty() ? "no deferral"
                : "deferred " + d.realReasons().size() + "x (" + summarize(d.realReasons()) + ")");
        List<String> engine = new ArrayList<>();
        for (ReplayEvents.Attempt a : attempts) {
            if (a.kind() == ReplayEvents.Kind.DEFERRED || a.kind() == ReplayEvents.Kind.SUPPLIER_NOT_BOUND) {
                engine.add(a.detail());
            }
        }
        b.append("; the engine: ").append(engine.isEmpty() ? "no deferral"
                : "deferred " + engine.size() + "x (" + summarize(engine) + ")");
        if (r.realAttempts() > 0 && r.engineAttempts() == 0) {
            b.append("; no driver of the replay reached it");
        }
        return b.toString();
    }

    /** "a, a, b" as "a x2, b". */
    private static String summarize(List<String> reasons) {
        List<String> out = new ArrayList<>();
        String last = null;
        int n = 0;
        for (String s : reasons) {
            if (s.equals(last)) {
                n++;
                continue;
            }
            if (last != null) {
                out.add(n > 1 ? last + " x" + n : last);
            }
            last = s;
            n = 1;
        }
        if (last != null) {
            out.add(n > 1 ? last + " x" + n : last);
        }
        return String.join(", ", out);
    }
}
