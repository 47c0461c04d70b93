package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The targets, judged from the rows of one run with their 95% intervals. A target is MET or MISSED
 * only when the whole interval lies on one side of its threshold; INCONCLUSIVE when the interval straddles
 * it (or there are fewer than {@link #MIN_FORKS} forks); ERROR when a figure it needs is missing or one of
 * its runs failed; NOT MEASURED when the engine is not in this build or the run did not include the
 * parameters. Measured, not unit-tested: the unit tests check this logic on made-up estimates.
 */
public final class Targets {
    /** Forks a verdict needs. */
    public static final int MIN_FORKS = 3;

    public enum Verdict { MET, MISSED, INCONCLUSIVE, ERROR, NOT_MEASURED }

    /** One judged target: the verdict and the line that says it. */
    public record Judgement(Verdict verdict, String target, String line) {
    }

    private Targets() {
    }

    public static List<String> evaluate(List<Row> rows) {
        return judgements(rows).stream().map(Judgement::line).toList();
    }

    public static List<Judgement> judgements(List<Row> rows) {
        List<Judgement> out = new ArrayList<>();
        target(out, rows, "TriggerLatency", "lock-free", c -> c.contains("registrants=64"),
                "lock-free p99 trigger latency with 64 registrants <= 0.1x global-lock's", Row::vsGlobalLock, 0.1, true,
                "x global-lock", "a run with registrants=64", Targets::aboveTheFloor);
        target(out, rows, "TriggerLatency", "indexed", c -> true, "indexed p99 trigger latency <= 3x the floor's",
                Row::vsFloor, 3.0, true, "x floor", "a TriggerLatency run", null);
        // judged where a pass is its re-probes: at 10000 devices the fixed hand-off and wake-up are a few percent of
        // a pass; at 1000 they dominate and are noisy. The marginal rows (the slope) are shown, not judged: a
        // difference of two medians inherits the 1000-device pass's fork-to-fork noise.
        target(out, rows, "DeferredThroughput", null, c -> Table.parse(c).getOrDefault("deferred", "").equals("10000"),
                "re-probe throughput >= 0.5x the floor's", Row::vsFloor, 0.5, false, "x floor",
                "a DeferredThroughput run with deferred=10000", null);
        for (String e : List.of("lock-free", "indexed")) {
            target(out, rows, "Boot", e, c -> Table.parse(c).getOrDefault("async", "").equals("1"),
                    e + " boot makespan <= 1.2x the lower bound (async probes)", r -> r.secondary("makespan_per_bound"), 1.2,
                    true, "x lower bound", "a Boot run with async=1", null);
        }
        target(out, rows, "RegistrationStorm", "indexed", c -> true, "indexed <= 2 probe calls per device in the storm",
                r -> r.secondary("probes_per_device"), 2.0, true, " probes/device", "a RegistrationStorm run", null);
        target(out, rows, "TriggerStorm", "lock-free", c -> true,
                "lock-free trigger() allocates nothing (< 0.01 B/op on the triggering thread)",
                r -> r.secondary("own_B_per_op"), 0.01, true, " B/op", "a TriggerStorm run", null);
        return out;
    }

    /**
     * A check a target needs beyond its own interval: given the judged row and every row of the run, null when the
     * figure can be judged, else why the verdict must be INCONCLUSIVE.
     */
    @FunctionalInterface
    interface Guard {
        String why(Row r, List<Row> rows);
    }

    private static void target(List<Judgement> out, List<Row> rows, String bench, String engine, Predicate<String> config,
                               String what, Function<Row, Estimate> figure, double threshold, boolean atMost, String unit,
                               String needs, Guard guard) {
        List<Row> found = rows.stream().filter(r -> r.benchmark().equals(bench)
                && (engine == null ? !r.engine().equals("floor") : r.engine().equals(engine)) && config.test(r.config()))
                .toList();
        if (found.isEmpty()) {
            boolean engineMissing = engine != null && rows.stream().noneMatch(r -> r.engine().equals(engine));
            out.add(new Judgement(Verdict.NOT_MEASURED, what, "NOT MEASURED " + what + ": " + (engineMissing
                    ? "no engine '" + engine + "' in this run" : "this run has " + needs.replaceFirst("^a ", "no "))));
            return;
        }
        for (Row r : found) {
            List<String> errors = new ArrayList<>(r.errors());
            for (Row x : rows) {
                boolean ref = x.benchmark().equals(r.benchmark()) && x.config().equals(r.config())
                        && (x.engine().equals("floor") || x.engine().equals(Table.GLOBAL_LOCK)) && x != r;
                if (ref) {
                    x.errors().forEach(e -> errors.add(x.engine() + ": " + e));
                }
            }
            String label = (engine == null ? r.engine() + " " : "") + what + " (" + r.config() + ")";
            Judgement j = judge(label, figure.apply(r), threshold, atMost, unit, errors, r.forks());
            String unresolved = guard == null ? null : guard.why(r, rows);
            if (unresolved != null && (j.verdict() == Verdict.MET || j.verdict() == Verdict.MISSED)) {
                j = new Judgement(Verdict.INCONCLUSIVE, j.target(), pad(Verdict.INCONCLUSIVE)
                        + j.line().substring(pad(j.verdict()).length()).replaceAll(", [0-9.]+x (over|short of) the target$", "")
                        + ", but " + unresolved);
            }
            Estimate jmh = r.secondary().get("jmh_B_per_op");
            if (bench.equals("TriggerStorm") && jmh != null && !jmh.isMissing() && j.verdict() != Verdict.ERROR) {
                j = new Judgement(j.verdict(), j.target(), j.line() + "; JMH's gc.alloc.rate.norm, all threads: "
                        + fmt(jmh.point()) + " B/op");
            }
            out.add(j);
        }
    }

    /**
     * For a ratio of two engines' latency percentiles: each must be resolved above the machine's own hiccups, which
     * the floor measures in the same rounds (jHiccup's rule: a latency at the platform's stall level measures the
     * platform). When an engine's interval reaches down into the floor's, at this percentile both engines are
     * mostly the machine's stalls, and their ratio says nothing about the engines.
     */
    static String aboveTheFloor(Row r, List<Row> rows) {
        Row floor = same(rows, r, "floor");
        Row gl = same(rows, r, Table.GLOBAL_LOCK);
        if (floor == null || floor.figure().isMissing()) {
            return "there is no floor row to tell the engines from the machine's own stalls";
        }
        double floorHi = floor.figure().hi();
        for (Row x : new Row[] {r, gl}) {
            if (x != null && !x.figure().isMissing() && !(x.figure().lo() > floorHi)) {
                return x.engine() + "'s interval [" + fmt(x.figure().lo()) + ", " + fmt(x.figure().hi())
                        + "] reaches the floor's own [" + fmt(floor.figure().lo()) + ", " + fmt(floorHi)
                        + "]: at this percentile the machine's stalls dominate";
            }
        }
        return null;
    }

    private static Row same(List<Row> rows, Row r, String engine) {
        return rows.stream().filter(x -> x.benchmark().equals(r.benchmark()) && x.config().equals(r.config())
                && x.engine().equals(engine)).findFirst().orElse(null);
    }

    /**
     * The verdict on one target.
     *
     * @param estimate  the judged figure with its interval
     * @param threshold the target's limit
     * @param atMost    true for "figure <= threshold", false for "figure >= threshold"
     * @param errors    failures of the runs the figure comes from; any makes the verdict ERROR
     * @param forks     forks behind the figure; fewer than {@link #MIN_FORKS} makes it INCONCLUSIVE
     */
    public static Judgement judge(String what, Estimate estimate, double threshold, boolean atMost, String unit,
                                  List<String> errors, int forks) {
        if (!errors.isEmpty()) {
            return new Judgement(Verdict.ERROR, what, pad(Verdict.ERROR) + what + ": " + String.join("; ", errors));
        }
        if (estimate.isMissing()) {
            return new Judgement(Verdict.ERROR, what, pad(Verdict.ERROR) + what + ": missing figure: " + estimate.why());
        }
        double lo = estimate.lo();
        double hi = estimate.hi();
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return new Judgement(Verdict.ERROR, what, pad(Verdict.ERROR) + what + ": "
                    + String.format(Locale.ROOT, "%.3g", estimate.point()) + unit + " has no interval (undefined in too many resamples)");
        }
        String measured = fmt(estimate.point()) + unit + " [" + fmt(lo) + ", " + fmt(hi) + "]";
        Verdict v;
        String why;
        if (forks < MIN_FORKS) {
            v = Verdict.INCONCLUSIVE;
            why = "only " + forks + " fork" + (forks == 1 ? "" : "s") + ", a verdict needs " + MIN_FORKS;
        } else if (atMost ? hi <= threshold : lo >= threshold) {
            v = Verdict.MET;
            why = null;
        } else if (atMost ? lo > threshold : hi < threshold) {
            v = Verdict.MISSED;
            double factor = atMost ? estimate.point() / threshold : threshold / estimate.point();
            why = String.format(Locale.ROOT, "%.1fx %s the target", factor, atMost ? "over" : "short of");
        } else {
            v = Verdict.INCONCLUSIVE;
            why = "the interval straddles " + fmt(threshold);
        }
        return new Judgement(v, what, pad(v) + what + ": " + measured + (why == null ? "" : ", " + why));
    }

    private static String pad(Verdict v) {
        String s = v == Verdict.NOT_MEASURED ? "NOT MEASURED" : v.name();
        return s + " ".repeat(Math.max(1, 13 - s.length()));
    }

    static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }
}
