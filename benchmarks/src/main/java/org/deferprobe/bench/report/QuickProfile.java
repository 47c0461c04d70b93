package org.deferprobe.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.ReportSink;
import org.deferprobe.engine.EngineType;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The quick profile ({@code java -jar benchmarks.jar} or {@code ... quick [options]}): all five benchmarks over
 * "floor" and every real engine of the build, a reduced parameter set and short iterations, 3 forks per
 * engine interleaved in time (fork 1 of every engine, then fork 2 ...; {@link ForkRunner}), then the table with
 * 95% intervals, the targets (MET / MISSED / INCONCLUSIVE / ERROR) and the report folder.
 *
 * <p>Options: {@code --forks N} (default 3; verdicts need 3), {@code --out DIR} (default {@code bench-report},
 * or {@code -Ddeferprobe.report.dir}), and {@code --test-flaw-slow-probes ENGINE:NANOS}, a TEST FLAW that makes
 * every probe of one engine spin NANOS ns, for showing that {@code compare} flags a slowed engine; it is
 * never on unless given, the banner and results.json say so, and a host JVM started with the property itself is
 * refused (forks get their JVM arguments from the profile only).
 */
public final class QuickProfile {
    public static final int DEFAULT_FORKS = 3;
    /** TriggerLatency's total offered churn (register-and-remove cycles per second over all registrants). */
    static final String CHURN_TOTAL = "800";
    static final String DEFAULT_DIR = "bench-report";
    /** The churn sweep's default folder inside the report folder; the quick profile neither clears nor refuses it. */
    static final String SATURATION_DIR = "saturation";
    /** What the profile writes into its folder; a folder holding anything else is not cleared. */
    static final Set<String> OWN_FILES = Set.of(Results.FILE, "jmh-results.json", "table.txt", "report.html",
            ReportSink.SECONDARY_FILE);

    /** Parsed command line. */
    record Options(int forks, Path dir, String testFlaw) {
    }

    private QuickProfile() {
    }

    /** The quick profile's plans: every parameter spelled out, one combination each. */
    static List<ForkRunner.Plan> plans() {
        List<ForkRunner.Plan> plans = new ArrayList<>();
        TimeValue half = TimeValue.milliseconds(500);
        for (String registrants : new String[] {"0", "64", "1024"}) { // the same total churn: concurrency, not load
            plans.add(new ForkRunner.Plan("TriggerLatency", Map.of("deferred", "1000", "registrants", registrants,
                    "churnTotal", CHURN_TOTAL, "publishPerSecond", "250"), 1, false, 2, half, 3, half));
        }
        // pass=none at two sizes: the per-pass figure and the marginal cost per re-probe (pass=all in full runs);
        // the benchmark's trial setup first runs untimed passes for 0.5 s of wall time (the JIT on a loaded machine)
        for (String deferred : new String[] {"1000", "10000"}) {
            boolean small = deferred.equals("1000");
            plans.add(new ForkRunner.Plan("DeferredThroughput", Map.of("deferred", deferred, "pass", "none"), 1, false,
                    small ? 30 : 10, null, small ? 20 : 10, null));
        }
        // the storm with 256 registrants (1 registrant, the sequential baseline, in full runs)
        plans.add(new ForkRunner.Plan("RegistrationStorm", Map.of("registrants", "256", "devices", "10000"), 1, false, 1, null,
                3, null));
        // 1 thread (the allocation target); contended storms (-t 4, 16 ...) in full runs
        plans.add(new ForkRunner.Plan("TriggerStorm", Map.of("deferred", "100"), 1, true, 1, TimeValue.milliseconds(300), 3,
                TimeValue.milliseconds(200)));
        plans.add(new ForkRunner.Plan("Boot", Map.of("source", "random", "devices", "200", "probeMicros", "1000", "async", "1.0",
                "fwDevlink", "on"),
                1, false, 2, null, 4, null));
        return plans;
    }

    /** Runs the profile; returns the exit status (0 done, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) throws RunnerException, IOException {
        Options o;
        try {
            o = parse(args);
            prepare(o.dir());
        } catch (IllegalArgumentException e) {
            err.println("quick: " + e.getMessage());
            return 2;
        }
        List<String> engines = Engines.namesWithFloor();
        List<ForkRunner.Plan> plans = plans();
        String title = "deferprobe quick profile";
        Results results = measure(title, plans, engines, o, out);
        report(title, results, o.dir(), out);
        return 0;
    }

    static Options parse(String[] args) {
        int forks = DEFAULT_FORKS;
        Path dir = Path.of(System.getProperty(ReportSink.DIR_PROPERTY, DEFAULT_DIR));
        String flaw = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--forks" -> {
                    forks = positive("--forks", v);
                    i++;
                }
                case "--out" -> {
                    if (v == null) {
                        throw new IllegalArgumentException("--out needs a directory");
                    }
                    dir = Path.of(v);
                    i++;
                }
                case "--test-flaw-slow-probes" -> {
                    flaw = testFlaw(v);
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a
                        + "' (options: --forks N, --out DIR, --test-flaw-slow-probes ENGINE:NANOS)");
            }
        }
        if (System.getProperty(Engines.SLOW_PROBES_PROPERTY) != null) {
            throw new IllegalArgumentException("-D" + Engines.SLOW_PROBES_PROPERTY + " is set in this JVM; the profile takes "
                    + "the test flaw only as --test-flaw-slow-probes ENGINE:NANOS");
        }
        return new Options(forks, dir.toAbsolutePath(), flaw);
    }

    static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v == null ? "" : v);
            if (n >= 1 && n <= 50) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " " + v + ": must be a whole number from 1 to 50");
    }

    static String testFlaw(String v) {
        String[] f = v == null ? new String[0] : v.split(":");
        List<String> real = EngineType.real().stream().map(EngineType::engineName).toList();
        if (f.length != 2 || !real.contains(f[0])) {
            throw new IllegalArgumentException("--test-flaw-slow-probes " + v + ": must be ENGINE:NANOS with ENGINE one of " + real);
        }
        try {
            long n = Long.parseLong(f[1]);
            if (n > 0 && n <= 1_000_000) {
                return f[0] + ":" + n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--test-flaw-slow-probes " + v + ": NANOS must be a whole number from 1 to 1000000");
    }

    /** Makes the folder or clears what a previous run wrote there; refuses a folder holding anything else. */
    static void prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> own = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.equals(SATURATION_DIR) && Files.isDirectory(p)) {
                    continue; // the churn sweep's results: kept
                }
                boolean ours = OWN_FILES.contains(n) || n.endsWith(".hgrm") || n.endsWith(".hlog")
                        || (n.equals(ForkRunner.FORKS_DIR) && Files.isDirectory(p));
                if (!ours) {
                    throw new IllegalArgumentException(dir + " holds " + n + ", which the benchmarks did not write: "
                            + "give an empty or new folder with --out");
                }
                own.add(p);
            }
        }
        for (Path p : own) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(x);
                    }
                }
            } else {
                Files.delete(p);
            }
        }
    }

    /** Runs the plans and collects the series, with the environment before and after. */
    static Results measure(String title, List<ForkRunner.Plan> plans, List<String> engines, Options o, PrintStream out)
            throws RunnerException, IOException {
        long start = System.nanoTime();
        List<String> env = new ArrayList<>(environment(engines, o.forks()));
        env.add("load average (1, 5, 15 min) at start: " + loadAverage());
        if (o.testFlaw() != null) {
            env.add(0, "TEST FLAW: every probe of " + o.testFlaw().replace(":", " spins ") + " ns (--test-flaw-slow-probes): "
                    + "these figures are NOT a measurement of that engine");
        }
        int runs = plans.size() * engines.size() * o.forks();
        out.println(title + ": " + runs + " benchmark runs (" + plans.size() + " parameter combinations x " + engines.size()
                + " engines x " + o.forks() + " forks, interleaved: fork 1 of every engine, then fork 2 ...)");
        out.println("report folder: " + o.dir());
        env.forEach(l -> out.println("  " + l));
        ForkRunner runner = new ForkRunner(out, o.dir(), o.testFlaw());
        List<Series> series = runner.run(plans, engines, o.forks());
        long secs = (System.nanoTime() - start) / 1_000_000_000L;
        env.add("load average (1, 5, 15 min) at end: " + loadAverage());
        env.add(String.format(Locale.ROOT, "wall time: %dm%02ds", secs / 60, secs % 60));
        writeJmh(runner.jmhResults(), o.dir().resolve("jmh-results.json"));
        Results r = new Results(env, o.testFlaw(), o.forks(), series);
        r.write(o.dir().resolve(Results.FILE));
        writeMergedHistograms(series, o.dir());
        return r;
    }

    /**
     * {@code report DIR}: the table and the targets of a past run, computed again from its results.json (the same
     * data gives the same intervals); prints, writes nothing. Exit status 0, or 2 for bad input.
     */
    public static int reprint(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1) {
            err.println("report: needs one run (a report directory or its results.json), got " + args.length);
            return 2;
        }
        Results r;
        try {
            r = Results.read(Path.of(args[0]));
        } catch (Results.BadInput e) {
            err.println("report: " + e.getMessage());
            return 2;
        }
        out.print(text(r, Table.rows(r.series(), new Bootstrap("table"))));
        return 0;
    }

    /** The table, the targets, table.txt and report.html. */
    static void report(String title, Results results, Path dir, PrintStream out) throws IOException {
        List<Row> rows = Table.rows(results.series(), new Bootstrap("table"));
        String text = text(results, rows);
        Files.writeString(dir.resolve("table.txt"), text, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(title, results.environment(), rows,
                curves(results.series()), text, BootTimelines.section(results.series())), StandardCharsets.UTF_8);
        out.println();
        out.print(text);
        out.println();
        out.println("wrote " + dir.resolve(Results.FILE) + " (every fork's raw figures; compare reads it), "
                + dir.resolve("jmh-results.json") + " (JMH JSON, all forks), " + dir.resolve("table.txt") + ", "
                + dir.resolve("report.html") + ", merged .hgrm files here and per fork under " + dir.resolve(ForkRunner.FORKS_DIR));
    }

    static String text(Results results, List<Row> rows) {
        StringBuilder text = new StringBuilder();
        results.environment().forEach(l -> text.append(l).append('\n'));
        text.append('\n').append(Table.format(rows));
        text.append("\nfigure: the median over every measurement iteration of every fork (TriggerLatency: the percentile of the "
                + "sum of all their histograms); [95% CI]: percentile interval of a hierarchical bootstrap (forks, then "
                + "iterations within them; " + Bootstrap.REPLICATES + " resamples, fixed seed)\n");
        text.append("\nTargets (measured, not unit-tested; MET or MISSED only when the whole 95% interval is on one side):\n");
        Targets.evaluate(rows).forEach(t -> text.append("  ").append(t).append('\n'));
        return text.toString();
    }

    /** JMH's JSON with every fork of a series under one entry, as JMH itself reports several forks. */
    static void writeJmh(List<RunResult> all, Path file) throws IOException {
        Map<String, List<RunResult>> byParams = new LinkedHashMap<>();
        for (RunResult rr : all) {
            byParams.computeIfAbsent(rr.getParams().id() + rr.getParams().getThreads(), k -> new ArrayList<>()).add(rr);
        }
        List<RunResult> merged = new ArrayList<>();
        byParams.values().forEach(list -> {
            List<BenchmarkResult> forks = new ArrayList<>();
            list.forEach(rr -> forks.addAll(rr.getBenchmarkResults()));
            merged.add(new RunResult(list.get(0).getParams(), forks));
        });
        try (PrintStream json = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(merged);
        }
    }

    /** One .hgrm per series and histogram metric, summed over every iteration of every fork. */
    static void writeMergedHistograms(List<Series> series, Path dir) throws IOException {
        for (Series s : series) {
            for (String metric : metrics(s)) {
                Histogram sum = merged(s, metric);
                Path f = dir.resolve(ReportSink.stem(s.benchmark(), s.sinkKey()) + "-" + metric + ".hgrm");
                try (PrintStream out = new PrintStream(Files.newOutputStream(f), true, StandardCharsets.UTF_8)) {
                    sum.outputPercentileDistribution(out, 5, 1000.0);
                }
            }
        }
    }

    private static List<String> metrics(Series s) {
        return s.forks().stream().flatMap(f -> f.histograms().keySet().stream()).distinct().sorted().toList();
    }

    static Histogram merged(Series s, String metric) {
        Histogram sum = new Histogram(3);
        s.forks().forEach(f -> f.histograms().getOrDefault(metric, List.of()).forEach(sum::add));
        return sum;
    }

    /** Latency curves for the report: chart title (parameters) to engine to points, from the summed histograms. */
    static Map<String, Map<String, List<Hgrm.Point>>> curves(List<Series> series) {
        Map<String, Map<String, List<Hgrm.Point>>> curves = new LinkedHashMap<>();
        for (Series s : series) {
            if (!s.benchmark().equals("TriggerLatency") || s.forksWith("latency") == 0) {
                continue;
            }
            Histogram h = merged(s, "latency");
            List<Hgrm.Point> pts = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                if (v.getPercentileLevelIteratedTo() < 100.0) {
                    pts.add(new Hgrm.Point(v.getValueIteratedTo() / 1000.0, v.getPercentileLevelIteratedTo()));
                }
            }
            curves.computeIfAbsent(s.config().replace(',', ' '), k -> new LinkedHashMap<>()).put(s.engine(), pts);
        }
        return curves;
    }

    static List<String> environment(List<String> engines, int forks) {
        Runtime rt = Runtime.getRuntime();
        return List.of("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                "cores (availableProcessors): " + rt.availableProcessors(),
                "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                "engines: " + String.join(", ", engines),
                "forks per engine: " + forks + ", interleaved in time; short iterations, reduced parameters");
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown (no /proc/loadavg)";
        }
    }
}
