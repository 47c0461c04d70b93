package org.deferprobe.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deferprobe.bench.ReportSink;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns JMH results plus the benchmarks' secondary figures into rows: one per benchmark, parameters and
 * engine, with the figure each benchmark is judged by and the ratios to global-lock and to the floor.
 */
public final class Table {
    private Table() {
    }

    /** Reads secondary.tsv: "benchmark|key" to (metric to value). */
    public static Map<String, Map<String, Double>> readSecondary(Path file) throws IOException {
        Map<String, Map<String, Double>> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length == 4) {
                out.computeIfAbsent(f[0] + "|" + f[1], k -> new LinkedHashMap<>()).put(f[2], Double.parseDouble(f[3]));
            }
        }
        return out;
    }

    /** Rows from JMH results, in the order the results came, ratios filled in. */
    public static List<Row> rows(Collection<RunResult> results, Map<String, Map<String, Double>> secondary) {
        List<Row> rows = new ArrayList<>();
        for (RunResult rr : results) {
            BenchmarkParams p = rr.getParams();
            String bench = simpleName(p.getBenchmark());
            Map<String, String> params = new TreeMap<>();
            for (String k : p.getParamsKeys()) {
                params.put(k, p.getParam(k));
            }
            if ("TriggerStorm".equals(bench)) {
                params.put("threads", String.valueOf(p.getThreads()));
            }
            Map<String, Double> sec = new LinkedHashMap<>(secondary.getOrDefault(bench + "|" + ReportSink.key(params), Map.of()));
            String engine = params.remove("engine");
            rows.add(row(bench, engine, params, rr, sec));
        }
        return withRatios(rows);
    }

    private static Row row(String bench, String engine, Map<String, String> params, RunResult rr, Map<String, Double> sec) {
        Result<?> primary = rr.getPrimaryResult();
        double median = primary.getStatistics().getPercentile(50);
        String config = ReportSink.key(params);
        switch (bench) {
            case "TriggerLatency" -> {
                double p99 = sec.getOrDefault("p99_us", primary.getStatistics().getPercentile(99));
                return new Row(bench, config, engine, p99, "us p99, publish to bound", false, sec, Double.NaN, Double.NaN);
            }
            case "DeferredThroughput" -> {
                double devices = Double.parseDouble(params.get("deferred"));
                double perSecond = devices / (median * secondsPer(primary.getScoreUnit()));
                sec.put("pass_median_us", median * secondsPer(primary.getScoreUnit()) * 1e6);
                return new Row(bench, config, engine, perSecond, "devices re-probed/s", true, sec, Double.NaN, Double.NaN);
            }
            case "TriggerStorm" -> {
                Result<?> alloc = rr.getSecondaryResults().get("gc.alloc.rate.norm");
                if (alloc != null) {
                    sec.put("alloc_B_per_op", alloc.getScore());
                }
                return new Row(bench, config, engine, primary.getScore(), "triggers/s", true, sec, Double.NaN, Double.NaN);
            }
            case "RegistrationStorm" -> {
                return new Row(bench, config, engine, median * secondsPer(primary.getScoreUnit()) * 1e3,
                        "ms to quiescence (median)", false, sec, Double.NaN, Double.NaN);
            }
            case "Boot" -> {
                double ms = median * secondsPer(primary.getScoreUnit()) * 1e3;
                Double bound = sec.get("lower_bound_us");
                if (bound != null && bound > 0) {
                    sec.put("makespan_per_bound", ms * 1e3 / bound);
                }
                return new Row(bench, config, engine, ms, "ms makespan (median)", false, sec, Double.NaN, Double.NaN);
            }
            default -> {
                return new Row(bench, config, engine, primary.getScore(), primary.getScoreUnit(), false, sec, Double.NaN,
                        Double.NaN);
            }
        }
    }

    /** Divides each figure by global-lock's and the floor's for the same benchmark and parameters. */
    public static List<Row> withRatios(List<Row> rows) {
        Map<String, Row> byKey = new HashMap<>();
        rows.forEach(r -> byKey.put(r.benchmark() + "|" + r.config() + "|" + r.engine(), r));
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Row gl = byKey.get(r.benchmark() + "|" + r.config() + "|global-lock");
            Row fl = byKey.get(r.benchmark() + "|" + r.config() + "|floor");
            out.add(r.withRatios(gl == null ? Double.NaN : r.figure() / gl.figure(),
                    fl == null ? Double.NaN : r.figure() / fl.figure()));
        }
        return out;
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

    /** The plain-text table, as printed and pasted into the README. */
    public static String format(List<Row> rows) {
        String[] head = {"benchmark", "parameters", "engine", "figure", "unit", "vs global-lock", "vs floor", "secondary"};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        for (Row r : rows) {
            lines.add(new String[] {r.benchmark(), r.config(), r.engine(), num(r.figure()), r.unit(), ratio(r.vsGlobalLock()),
                ratio(r.vsFloor()), secondaryText(r)});
        }
        int[] w = new int[head.length];
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
                boolean right = i == 3 || i == 5 || i == 6;
                String cell = right ? pad(l[i], w[i], true) : pad(l[i], w[i], false);
                sb.append(' ').append(cell).append(" |");
            }
            sb.append('\n');
            if (n == 0) {
                sb.append('|');
                for (int i = 0; i < w.length; i++) {
                    sb.append('-').append("-".repeat(w[i])).append(i == 3 || i == 5 || i == 6 ? ":|" : "-|");
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
        r.secondary().forEach((k, v) -> {
            if (!k.startsWith("churn_cycles")) {
                parts.add(k + " " + num(v));
            }
        });
        return String.join("; ", parts);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
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
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
