package org.deferprobe.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deferprobe.bench.Engines;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code saturation [--forks N] [--out DIR] [--registrants N] [--levels L1,L2,...]}: the churn sweep. TriggerLatency
 * with no registrants (the unloaded p99), then with {@code registrants} threads at each total offered churn
 * level (register-and-remove cycles per second), on the floor and every real engine, forks interleaved as in
 * the quick profile. An engine's saturation point is the offered load at which its p99 passes 10 times its
 * unloaded p99: the table gives p99 / unloaded p99 at every level with its 95% interval, and the point is
 * placed between the last level whose whole interval is below 10 and the first whose whole interval is above.
 * Not part of the quick profile (it takes about 4 minutes with 2 forks); results.json and compare work on it too.
 */
public final class Saturation {
    /** Inside the quick profile's folder (which git ignores and the quick profile leaves alone). */
    static final String DEFAULT_DIR = QuickProfile.DEFAULT_DIR + "/" + QuickProfile.SATURATION_DIR;
    static final double FACTOR = 10;

    private Saturation() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws RunnerException, IOException {
        int forks = 2;
        Path dir = Path.of(DEFAULT_DIR);
        int registrants = 64;
        List<Integer> levels = List.of(400, 1600, 6400, 25600);
        try {
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--forks" -> forks = QuickProfile.positive("--forks", v);
                    case "--out" -> dir = Path.of(require("--out", v));
                    case "--registrants" -> registrants = registrants(v);
                    case "--levels" -> levels = levels(require("--levels", v));
                    default -> throw new IllegalArgumentException("unknown option '" + args[i]
                            + "' (options: --forks N, --out DIR, --registrants N, --levels L1,L2,...)");
                }
                i++;
            }
            if (System.getProperty(Engines.SLOW_PROBES_PROPERTY) != null) {
                throw new IllegalArgumentException("-D" + Engines.SLOW_PROBES_PROPERTY + " is set in this JVM; the sweep "
                        + "never runs with the test flaw");
            }
            dir = dir.toAbsolutePath();
            QuickProfile.prepare(dir);
        } catch (IllegalArgumentException e) {
            err.println("saturation: " + e.getMessage());
            return 2;
        }
        TimeValue half = TimeValue.milliseconds(500);
        List<ForkRunner.Plan> plans = new ArrayList<>();
        plans.add(plan("0", 0, half));
        for (int level : levels) {
            plans.add(plan(String.valueOf(registrants), level, half));
        }
        QuickProfile.Options o = new QuickProfile.Options(forks, dir, null);
        Results results = QuickProfile.measure("deferprobe churn sweep", plans, Engines.namesWithFloor(), o, out);
        String text = text(results, registrants, levels);
        Files.writeString(dir.resolve("table.txt"), text, StandardCharsets.UTF_8);
        out.println();
        out.print(text);
        return 0;
    }

    private static ForkRunner.Plan plan(String registrants, int churn, TimeValue t) {
        return new ForkRunner.Plan("TriggerLatency", Map.of("deferred", "1000", "registrants", registrants, "churnTotal",
                String.valueOf(churn), "publishPerSecond", "250"), 1, false, 2, t, 4, t);
    }

    private static String require(String option, String v) {
        if (v == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return v;
    }

    static int registrants(String v) {
        try {
            int n = Integer.parseInt(v == null ? "" : v);
            if (n >= 1 && n <= 4096) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--registrants " + v + ": must be a whole number from 1 to 4096");
    }

    static List<Integer> levels(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n > 0 && (out.isEmpty() || n > out.get(out.size() - 1))) {
                    out.add(n);
                    continue;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("--levels " + v + ": must be increasing positive whole numbers, e.g. 400,1600,6400");
        }
        return out;
    }

    static String text(Results results, int registrants, List<Integer> levels) {
        Bootstrap b = new Bootstrap("table");
        List<Row> rows = Table.rows(results.series(), b);
        Map<String, Map<String, Row>> byEngine = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, String> p = Table.parse(r.config());
            String level = "0".equals(p.get("registrants")) ? "unloaded" : p.get("churnTotal");
            byEngine.computeIfAbsent(r.engine(), k -> new LinkedHashMap<>()).put(level, r);
        }
        StringBuilder sb = new StringBuilder();
        results.environment().forEach(l -> sb.append(l).append('\n'));
        sb.append('\n').append(Table.format(rows)).append('\n');
        sb.append(String.format(Locale.ROOT, "p99 (us) from the intended publish, and p99 / unloaded p99 [95%% CI], %d registrants;"
                + " churn achieved/offered in brackets%n", registrants));
        List<String> head = new ArrayList<>(List.of("engine", "unloaded p99"));
        levels.forEach(l -> head.add(l + "/s"));
        head.add("saturation point (p99 > " + (int) FACTOR + "x unloaded)");
        List<List<String>> lines = new ArrayList<>();
        lines.add(head);
        byEngine.forEach((engine, m) -> {
            List<String> line = new ArrayList<>();
            line.add(engine);
            Row u = m.get("unloaded");
            line.add(u == null || u.figure().isMissing() ? "ERROR" : Table.num(u.figure().point()));
            Integer below = null;
            Integer above = null;
            boolean unclear = false;
            for (int level : levels) {
                Row r = m.get(String.valueOf(level));
                if (r == null || u == null || r.figure().isMissing() || u.figure().isMissing()) {
                    line.add("ERROR");
                    unclear = true;
                    continue;
                }
                Estimate ratio = r.figure().ratio(u.figure());
                Estimate achieved = r.secondary("churn_achieved_per_s").ratio(r.secondary("churn_offered_per_s"));
                line.add(Table.num(r.figure().point()) + " " + Table.ratioCi(ratio) + " (" + Table.num(achieved.point()) + ")");
                if (above == null) {
                    if (ratio.lo() > FACTOR) {
                        above = level;
                    } else if (ratio.hi() < FACTOR) {
                        below = level;
                    } else {
                        unclear = true;
                    }
                }
            }
            String point;
            if (above == null) {
                point = unclear ? "unclear (an interval straddles " + (int) FACTOR + "x)"
                        : "above " + levels.get(levels.size() - 1) + "/s";
            } else {
                point = (below == null ? "at or below " + above : "between " + below + " and " + above) + "/s"
                        + (unclear ? " (an interval between straddles " + (int) FACTOR + "x)" : "");
            }
            line.add(point);
            lines.add(line);
        });
        int[] w = new int[head.size()];
        lines.forEach(l -> {
            for (int i = 0; i < l.size(); i++) {
                w[i] = Math.max(w[i], l.get(i).length());
            }
        });
        for (int n = 0; n < lines.size(); n++) {
            sb.append('|');
            for (int i = 0; i < lines.get(n).size(); i++) {
                String c = lines.get(n).get(i);
                sb.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
            }
            sb.append('\n');
            if (n == 0) {
                sb.append('|');
                for (int x : w) {
                    sb.append("-".repeat(x + 2)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
