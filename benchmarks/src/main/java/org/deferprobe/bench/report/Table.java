package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.ReportSink;

/**
 * Turns series (every fork's raw figures) into rows: one per benchmark, parameters and engine, with the figure
 * each benchmark is judged by, its secondary figures, and the ratios to global-lock and to the floor, every one
 * with a 95% hierarchical-bootstrap interval ({@link Bootstrap}). A figure that cannot be computed is never
 * replaced by another: the row says ERROR and why.
 */
public final class Table {
    static final String GLOBAL_LOCK = "global-lock";

    private Table() {
    }

    /** Rows in the order of the series, derived rows (marginal re-probe cost) after their benchmark, ratios filled in. */
    public static List<Row> rows(List<Series> series, Bootstrap b) {
        List<Row> rows = new ArrayList<>();
        Map<String, Row> passRows = new LinkedHashMap<>();
        for (Series s : series) {
            Row r = row(s, b);
            rows.add(r);
            if (r.benchmark().equals("DeferredThroughput")) {
                passRows.put(r.key(), r);
            }
        }
        List<Row> marginal = marginalRows(series, passRows);
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).benchmark().equals("DeferredThroughput")) {
                at = i + 1;
            }
        }
        rows.addAll(at, marginal);
        return withRatios(rows);
    }

    static Row row(Series s, Bootstrap b) {
        Map<String, Estimate> sec = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>(s.errors());
        String bench = s.benchmark();
        Estimate figure;
        String unit;
        boolean higher = false;
        switch (bench) {
            case "TriggerLatency" -> {
                figure = us(b.estimate(s, b.percentile("latency", 99)));
                unit = "us p99, intended publish to bound";
                sec.put("p50_us", us(b.estimate(s, b.percentile("latency", 50))));
                sec.put("p999_us", us(b.estimate(s, b.percentile("latency", 99.9))));
                sec.put("service_p99_us", us(b.estimate(s, b.percentile("service", 99))));
                sec.put("samples", b.estimate(s, b.count("latency")));
                sec.put("publish_per_s", b.estimate(s, Bootstrap.median(Series.PRIMARY)));
                sec.put("not_quiescent", b.estimate(s, Bootstrap.ratioOfSums("not_quiescent", "samples")));
                if (!"0".equals(s.params().get("registrants"))) {
                    sec.put("churn_offered_per_s", b.estimate(s, Bootstrap.mean("churn_offered_per_s")));
                    sec.put("churn_achieved_per_s", b.estimate(s, Bootstrap.mean("churn_achieved_per_s")));
                    sec.put("churn_backlog", b.estimate(s, Bootstrap.mean("churn_backlog")));
                }
                if (figure.isMissing()) {
                    figure = Estimate.missing("no latency histogram (TriggerLatency-...-latency.hlog) in "
                            + (s.forks().size() - s.forksWith("latency")) + " of " + s.forks().size() + " forks");
                }
            }
            case "DeferredThroughput" -> {
                double sec1 = secondsPer(s.unit());
                Estimate pass = b.estimate(s, Bootstrap.median(Series.PRIMARY)).map(v -> v * sec1 * 1e6);
                double devices = Double.parseDouble(s.params().getOrDefault("deferred", "NaN"));
                figure = pass.map(us -> devices / (us * 1e-6));
                unit = "devices re-probed/s";
                higher = true;
                sec.put("pass_median_us", pass);
                sec.put("probed_per_pass", b.estimate(s, Bootstrap.mean("probed_per_pass")));
            }
            case "RegistrationStorm" -> {
                double sec1 = secondsPer(s.unit());
                figure = b.estimate(s, Bootstrap.median(Series.PRIMARY)).map(v -> v * sec1 * 1e3);
                unit = "ms to quiescence (median)";
                if (!Engines.isFloor(s.engine())) {
                    sec.put("probes_per_device", b.estimate(s, Bootstrap.mean("probes_per_device")));
                }
            }
            case "TriggerStorm" -> {
                figure = b.estimate(s, Bootstrap.median(Series.PRIMARY));
                unit = "triggers/s";
                higher = true;
                sec.put("own_B_per_op", b.estimate(s, Bootstrap.ratioOfSums("own_alloc_bytes", "own_calls")));
                sec.put("jmh_B_per_op", b.estimate(s, Bootstrap.median("gc.alloc.rate.norm")));
                if (!Engines.isFloor(s.engine())) {
                    sec.put("passes_per_trigger", b.estimate(s, Bootstrap.ratioOfSums("passes", "triggers")));
                }
            }
            case "Boot" -> {
                Estimate makespanUs = b.estimate(s, Bootstrap.median("makespan_us"));
                figure = makespanUs.map(v -> v / 1e3);
                unit = "ms runner makespan (median)";
                Estimate bound = b.estimate(s, Bootstrap.trialMean("lower_bound_us"));
                sec.put("lower_bound_us", bound);
                sec.put("makespan_per_bound", makespanUs.ratio(bound));
                double sec1 = secondsPer(s.unit());
                sec.put("jmh_call_ms", b.estimate(s, Bootstrap.median(Series.PRIMARY)).map(v -> v * sec1 * 1e3));
                if (!Engines.isFloor(s.engine())) {
                    sec.put("probes_per_device", b.estimate(s, Bootstrap.mean("probes_per_device")));
                    sec.put("supplier_deferrals_per_device", b.estimate(s, Bootstrap.mean("supplier_deferrals_per_device")));
                    sec.put("cpu_ms", b.estimate(s, Bootstrap.median("cpu_ms")));
                }
            }
            default -> {
                figure = b.estimate(s, Bootstrap.median(Series.PRIMARY));
                unit = s.unit();
            }
        }
        if (figure.isMissing()) {
            errors.add(figure.why());
        }
        if (!figure.isMissing()) { // a missing figure already says why; its secondaries miss for the same reason
            sec.forEach((k, v) -> {
                if (v.isMissing()) {
                    errors.add("secondary figure " + k + " missing");
                }
            });
        }
        long spun = s.forksWith(Engines.SLOW_PROBES_METRIC);
        if (spun > 0) {
            sec.put("TEST_FLAW_probe_spin_ns", b.estimate(s, Bootstrap.trialMean(Engines.SLOW_PROBES_METRIC)));
        }
        return new Row(bench, s.config(), s.engine(), unit, higher, figure, Estimate.missing("not computed"),
                Estimate.missing("not computed"), sec, s.forks().size(), errors);
    }

    /**
     * The marginal cost of one re-probe, which is what an engine's design changes: for each engine and pass,
     * the slope between the two smallest deferred counts measured, shown as re-probes per second
     * ((n2 - n1) / (median pass(n2) - median pass(n1))), so it reads like the pass rows, beside the marginal
     * nanoseconds per re-probe. The fixed cost of a pass (hand-off, quiescence wake-up) cancels out.
     */
    static List<Row> marginalRows(List<Series> series, Map<String, Row> passRows) {
        Map<String, TreeMap<Integer, Row>> byEnginePass = new LinkedHashMap<>();
        for (Row r : passRows.values()) {
            Map<String, String> p = parse(r.config());
            String deferred = p.remove("deferred");
            if (deferred == null) {
                continue;
            }
            byEnginePass.computeIfAbsent(ReportSink.key(p) + "|" + r.engine(), k -> new TreeMap<>())
                    .put(Integer.parseInt(deferred), r);
        }
        List<Row> out = new ArrayList<>();
        byEnginePass.forEach((k, bySize) -> {
            if (bySize.size() < 2) {
                return;
            }
            int n1 = bySize.firstKey();
            int n2 = bySize.higherKey(n1);
            Row a = bySize.get(n1);
            Row c = bySize.get(n2);
            Estimate slopeUs = c.secondary("pass_median_us").combine(a.secondary("pass_median_us"), (x, y) -> x - y);
            // a resample where the larger pass was not slower: the marginal cost is below what this data resolves
            Estimate perSecond = slopeUs.map(d -> d > 0 ? (n2 - n1) / (d * 1e-6) : Double.POSITIVE_INFINITY);
            Map<String, Estimate> sec = new LinkedHashMap<>();
            sec.put("marginal_ns_per_reprobe", slopeUs.map(d -> d * 1e3 / (n2 - n1)));
            List<String> errors = new ArrayList<>(a.errors());
            c.errors().forEach(e -> {
                if (!errors.contains(e)) {
                    errors.add(e);
                }
            });
            if (perSecond.isMissing()) {
                errors.add("marginal cost undefined: " + perSecond.why());
            }
            Map<String, String> cfg = parse(a.config());
            cfg.put("deferred", n1 + ".." + n2);
            out.add(new Row("DeferredThroughput marginal", ReportSink.key(cfg), a.engine(), "re-probes/s (marginal)", true,
                    perSecond, Estimate.missing("not computed"), Estimate.missing("not computed"), sec,
                    Math.min(a.forks(), c.forks()), errors));
        });
        return out;
    }

    /** Divides each figure by global-lock's and the floor's for the same benchmark and parameters. */
    public static List<Row> withRatios(List<Row> rows) {
        Map<String, Row> byKey = new HashMap<>();
        rows.forEach(r -> byKey.put(r.key(), r));
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Row gl = byKey.get(r.benchmark() + " " + r.config() + " " + GLOBAL_LOCK);
            Row fl = byKey.get(r.benchmark() + " " + r.config() + " " + Engines.FLOOR);
            out.add(r.withRatios(gl == null ? Estimate.missing("no global-lock row for " + r.config())
                    : r.figure().ratio(gl.figure()), fl == null ? Estimate.missing("no floor row for " + r.config())
                    : r.figure().ratio(fl.figure())));
        }
        return out;
    }

    static Map<String, String> parse(String config) {
        Map<String, String> m = new TreeMap<>();
        if (config.isEmpty()) {
            return m;
        }
        for (String kv : config.split(",")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    private static Estimate us(Estimate nanos) {
        return nanos.map(v -> v / 1000.0);
    }

    /** Seconds per unit of a JMH time unit string such as "us/op" or "ms/op". */
    static double secondsPer(String unit) {
        String u = unit.contains("/") ? unit.substring(0, unit.indexOf('/')) : unit;
        return switch (u) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unexpected time unit " + unit);
        };
    }

    static String simpleName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    /** The plain-text table, then one line per error; as printed and pasted into the docs. */
    public static String format(List<Row> rows) {
        String[] head = {"benchmark", "parameters", "engine", "figure", "95% CI", "unit", "vs global-lock [95% CI]",
            "vs floor [95% CI]", "forks", "secondary"};
        boolean[] right = {false, false, false, true, true, false, true, true, true, false};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        List<String> errors = new ArrayList<>();
        for (Row r : rows) {
            Estimate f = r.figure();
            lines.add(new String[] {r.benchmark(), r.config(), r.engine(), f.isMissing() ? "ERROR" : num(f.point()),
                interval(f), r.unit(), ratioCi(r.vsGlobalLock()), ratioCi(r.vsFloor()), String.valueOf(r.forks()),
                secondaryText(r)});
            r.errors().forEach(e -> errors.add("ERROR " + r.key() + ": " + e));
        }
        StringBuilder sb = new StringBuilder(markdown(lines, right));
        errors.forEach(e -> sb.append(e).append('\n'));
        return sb.toString();
    }

    /** A Markdown table padded to column width: the first row is the header; {@code right} aligns columns right. */
    static String markdown(List<String[]> lines, boolean[] right) {
        int[] w = new int[right.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                w[i] = Math.max(w[i], l[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            String[] l = lines.get(n);
            sb.append('|');
            for (int i = 0; i < l.length; i++) {
                sb.append(' ').append(pad(l[i], w[i], right[i])).append(" |");
            }
            sb.append('\n');
            if (n == 0) {
                sb.append('|');
                for (int i = 0; i < w.length; i++) {
                    sb.append('-').append("-".repeat(w[i])).append(right[i] ? ":|" : "-|");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    static String secondaryText(Row r) {
        List<String> parts = new ArrayList<>();
        r.secondary().forEach((k, v) -> parts.add(k + " " + (v.isMissing() ? "ERROR" : num(v.point()))));
        return String.join("; ", parts);
    }

    /** "[lo, hi]" of an estimate, "-" when it has no interval. */
    static String interval(Estimate e) {
        if (e.isMissing() || Double.isNaN(e.lo())) {
            return "-";
        }
        return "[" + num(e.lo()) + ", " + num(e.hi()) + "]";
    }

    static String ratioCi(Estimate e) {
        if (e.isMissing()) {
            return "-";
        }
        return ratio(e.point()) + (Double.isNaN(e.lo()) ? " [undefined]" : " [" + ratioNum(e.lo()) + ", " + ratioNum(e.hi()) + "]");
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g", v).replace("e+0", "e").replace("e+", "e");
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "-" : ratioNum(v) + "x";
    }

    static String ratioNum(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 0.01 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }
}
