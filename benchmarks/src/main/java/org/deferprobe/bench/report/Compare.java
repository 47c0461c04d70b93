package org.deferprobe.bench.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code compare OLD NEW [--fail-on-regression PCT]}: a benchstat-style table of two runs (directories holding a
 * results.json, or the files themselves). Rows are matched by benchmark, parameters and engine; each shows the
 * old and new figure and the change, new / old - 1, with its 95% interval from the same hierarchical bootstrap
 * as the report (each run resampled independently, with its own salt). The change is significant when that
 * interval excludes 0 (benchstat uses a Mann-Whitney U test at alpha 0.05; the interval is used here because it
 * also works for a p99 computed from summed histograms); a row that is not significant shows {@code ~}.
 *
 * <p>Exit status: 0; 1 with {@code --fail-on-regression PCT} when a change for the worse (slower, less
 * throughput, more latency) is larger than PCT percent with 95% confidence (the end of its interval nearest zero
 * is beyond PCT: a noisy row whose point estimate alone passes PCT does not fail the gate), or a row of OLD
 * cannot be compared in NEW (missing, or an ERROR figure); 2 for bad input (a missing directory, a file that is
 * not a results file, no common rows), one line naming the file.
 */
public final class Compare {
    private Compare() {
    }

    /** One matched row. */
    record Line(Row old, Row now, Estimate delta) {
        boolean significant() {
            return !delta.isMissing() && !Double.isNaN(delta.lo()) && (delta.lo() > 0 || delta.hi() < 0);
        }

        /** Significant and in the bad direction for this unit. */
        boolean worse() {
            return significant() && (old.higherIsBetter() ? delta.point() < 0 : delta.point() > 0);
        }

        /** The change the interval is sure of: the magnitude of its end nearest zero (0 when it includes zero). */
        double leastChange() {
            return significant() ? Math.min(Math.abs(delta.lo()), Math.abs(delta.hi())) : 0;
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> paths = new ArrayList<>();
        double failPct = Double.NaN;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--fail-on-regression")) {
                String v = i + 1 < args.length ? args[++i] : null;
                try {
                    failPct = Double.parseDouble(v == null ? "" : v);
                } catch (NumberFormatException e) {
                    failPct = -1;
                }
                if (!(failPct >= 0)) {
                    err.println("compare: --fail-on-regression " + v + ": must be a percentage, 0 or more");
                    return 2;
                }
            } else if (args[i].startsWith("--")) {
                err.println("compare: unknown option '" + args[i] + "' (usage: compare OLD NEW [--fail-on-regression PCT])");
                return 2;
            } else {
                paths.add(args[i]);
            }
        }
        if (paths.size() != 2) {
            err.println("compare: needs two runs, OLD and NEW (a report directory or its results.json), got " + paths.size()
                    + " (usage: compare OLD NEW [--fail-on-regression PCT])");
            return 2;
        }
        Results old;
        Results now;
        try {
            old = Results.read(Path.of(paths.get(0)));
            now = Results.read(Path.of(paths.get(1)));
        } catch (Results.BadInput e) {
            err.println("compare: " + e.getMessage());
            return 2;
        }
        List<Row> oldRows = Table.rows(old.series(), new Bootstrap("old"));
        List<Row> newRows = Table.rows(now.series(), new Bootstrap("new"));
        Map<String, Row> newByKey = new LinkedHashMap<>();
        newRows.forEach(r -> newByKey.put(r.key(), r));
        List<Line> lines = new ArrayList<>();
        List<String> onlyOld = new ArrayList<>();
        for (Row o : oldRows) {
            Row n = newByKey.remove(o.key());
            if (n == null) {
                onlyOld.add(o.key());
            } else {
                lines.add(new Line(o, n, n.figure().combine(o.figure(), (a, b) -> a / b - 1)));
            }
        }
        if (lines.isEmpty()) {
            err.println("compare: " + paths.get(0) + " and " + paths.get(1) + " have no row in common (benchmark, parameters "
                    + "and engine must match)");
            return 2;
        }
        out.println("old: " + paths.get(0) + summary(old));
        out.println("new: " + paths.get(1) + summary(now));
        for (Results r : List.of(old, now)) {
            if (r.testFlaw() != null) {
                out.println("WARNING: " + (r == old ? "old" : "new") + " was run with a TEST FLAW (" + r.testFlaw()
                        + "): a deliberately slowed engine, not a measurement");
            }
        }
        out.println();
        out.print(format(lines));
        out.println();
        long significant = lines.stream().filter(Line::significant).count();
        long worse = lines.stream().filter(Line::worse).count();
        out.printf(Locale.ROOT, "%d rows compared: %d not significant (~), %d significantly better, %d significantly worse%n",
                lines.size(), lines.size() - significant, significant - worse, worse);
        out.println("delta: new / old - 1 with its 95% hierarchical-bootstrap interval; ~: the interval includes 0");
        for (Line l : lines) { // the floor has no engine: when it moved, the machine did
            if (l.old().engine().equals("floor") && l.significant()) {
                out.println("NOTE: the floor itself changed (" + pct(l.delta().point()) + ") in " + l.old().benchmark() + " "
                        + l.old().config() + ": the machine was not the same in the two runs; read the engines' rows of it "
                        + "with that in mind");
            }
        }
        onlyOld.forEach(k -> out.println("only in old: " + k));
        newByKey.keySet().forEach(k -> out.println("only in new: " + k));
        if (Double.isNaN(failPct)) {
            return 0;
        }
        List<String> failures = new ArrayList<>();
        for (Line l : lines) {
            if (l.worse() && l.leastChange() * 100 > failPct) {
                failures.add(l.old().key() + " " + pct(l.delta().point()) + " [" + pct(l.delta().lo()) + ", "
                        + pct(l.delta().hi()) + "]");
            } else if (l.delta().isMissing() && !l.old().figure().isMissing()) {
                failures.add(l.old().key() + " cannot be compared: " + l.now().figure().why());
            }
        }
        onlyOld.forEach(k -> failures.add(k + " is missing from new"));
        if (failures.isEmpty()) {
            out.printf(Locale.ROOT, "no regression beyond %s%% with 95%% confidence%n", pctText(failPct));
            return 0;
        }
        out.printf(Locale.ROOT, "FAIL: %d regression(s) beyond %s%% with 95%% confidence, or rows that cannot be compared:%n",
                failures.size(), pctText(failPct));
        failures.forEach(f -> out.println("  " + f));
        return 1;
    }

    private static String summary(Results r) {
        String date = r.environment().stream().filter(l -> l.startsWith("date: ")).findFirst().orElse("date: ?").substring(6);
        String jdk = r.environment().stream().filter(l -> l.startsWith("JDK: ")).findFirst().orElse("JDK: ?").substring(5);
        String cores = r.environment().stream().filter(l -> l.startsWith("cores")).findFirst().orElse("cores: ?");
        return " (" + date + ", " + jdk + ", " + cores.replace("cores (availableProcessors): ", "") + " cores, " + r.forks()
                + " forks)";
    }

    static String format(List<Line> lines) {
        String[] head = {"benchmark", "parameters", "engine", "unit", "old", "new", "delta [95% CI]", ""};
        boolean[] right = {false, false, false, false, true, true, true, false};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (Line l : lines) {
            Row o = l.old();
            String delta;
            String mark;
            if (l.delta().isMissing()) {
                delta = "ERROR";
                mark = o.figure().isMissing() ? "old: " + o.figure().why() : "new: " + l.now().figure().why();
            } else {
                delta = (l.significant() ? pct(l.delta().point()) : "~") + " [" + pct(l.delta().lo()) + ", "
                        + pct(l.delta().hi()) + "]";
                mark = l.worse() ? "worse" : l.significant() ? "better" : "";
            }
            rows.add(new String[] {o.benchmark(), o.config(), o.engine(), o.unit(), fig(o.figure()), fig(l.now().figure()),
                delta, mark});
        }
        return Table.markdown(rows, right);
    }

    private static String fig(Estimate e) {
        return e.isMissing() ? "ERROR" : Table.num(e.point());
    }

    private static String pctText(double v) {
        return org.deferprobe.bench.ReportSink.canonical(String.valueOf(v));
    }

    static String pct(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.1f%%", v * 100);
    }
}
