package org.deferprobe.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.ReportSink;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The no-argument run: all five benchmarks over "floor" and every real engine of the build, with a
 * reduced parameter set and short iterations (one fork each), then the table, the targets and the report
 * folder: results.json (JMH's JSON, loadable in JMH Visualizer), the .hgrm files, secondary.tsv,
 * table.txt and report.html.
 */
public final class QuickProfile {
    /** One JMH run: a benchmark, its parameter values (engine added), thread count, iteration shape. */
    record Plan(String benchmark, Map<String, String[]> params, int threads, boolean gc, int warmups, int measurements,
                TimeValue time) {
        int runs() {
            int n = 1;
            for (String[] v : params.values()) {
                n *= v.length;
            }
            return n;
        }
    }

    private QuickProfile() {
    }

    static List<Plan> plans(List<String> engines) {
        String[] e = engines.toArray(String[]::new);
        TimeValue second = TimeValue.seconds(1);
        List<Plan> plans = new ArrayList<>();
        plans.add(new Plan("TriggerLatency", params(e, "deferred", new String[] {"1000"}, "registrants",
                new String[] {"0", "64"}), 1, false, 2, 3, second));
        plans.add(new Plan("DeferredThroughput", params(e, "deferred", new String[] {"1000"}, "pass",
                new String[] {"none", "all"}), 1, false, 60, 30, null)); // single shots: enough warm-up to JIT the floor's loop too
        plans.add(new Plan("RegistrationStorm", params(e, "registrants", new String[] {"1", "256"}, "devices",
                new String[] {"10000"}), 1, false, 1, 3, null));
        for (int t : new int[] {1, 4}) { // 256 spinning threads on 2 cores take minutes to reach each safepoint
            plans.add(new Plan("TriggerStorm", params(e, "deferred", new String[] {"100"}), t, true, 2, 3, second));
        }
        plans.add(new Plan("Boot", params(e, "source", new String[] {"random"}, "devices", new String[] {"200"},
                "probeMicros", new String[] {"1000"}, "async", new String[] {"1.0"}), 1, false, 2, 5, null));
        return plans;
    }

    private static Map<String, String[]> params(String[] engines, Object... kv) {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("engine", engines);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (String[]) kv[i + 1]);
        }
        return m;
    }

    public static void run(PrintStream out) throws RunnerException, IOException {
        Path dir = Path.of(System.getProperty(ReportSink.DIR_PROPERTY, "bench-report")).toAbsolutePath();
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) { // a fresh folder each run: no stale histograms
            for (Path p : old.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        }
        List<String> engines = Engines.namesWithFloor();
        List<Plan> plans = plans(engines);
        int total = plans.stream().mapToInt(Plan::runs).sum();
        List<String> env = environment(engines);
        out.println("deferprobe quick profile: " + total + " benchmark runs, 1 fork each; engines " + engines);
        out.println("report folder: " + dir);
        env.forEach(l -> out.println("  " + l));
        Progress progress = new Progress(out, total);
        List<RunResult> results = new ArrayList<>();
        for (Plan plan : plans) {
            ChainedOptionsBuilder o = new OptionsBuilder().include("\\." + plan.benchmark() + "\\.").forks(1)
                    .threads(plan.threads()).warmupIterations(plan.warmups()).measurementIterations(plan.measurements())
                    .shouldFailOnError(false).jvmArgsAppend("-D" + ReportSink.DIR_PROPERTY + "=" + dir, "-Xmx2g");
            if (plan.time() != null) {
                o.warmupTime(plan.time()).measurementTime(plan.time());
            }
            plan.params().forEach(o::param);
            if (plan.gc()) {
                o.addProfiler(GCProfiler.class);
            }
            Collection<RunResult> got = new Runner(o.build(), progress).run();
            results.addAll(got);
        }
        try (PrintStream json = new PrintStream(Files.newOutputStream(dir.resolve("results.json")), true,
                StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
        }
        List<Row> rows = Table.rows(results, Table.readSecondary(dir.resolve(ReportSink.SECONDARY_FILE)));
        String table = Table.format(rows);
        List<String> targets = Targets.evaluate(rows);
        StringBuilder text = new StringBuilder();
        env.forEach(l -> text.append(l).append('\n'));
        text.append('\n').append(table).append("\nTargets (measured, not unit-tested):\n");
        targets.forEach(t -> text.append("  ").append(t).append('\n'));
        Files.writeString(dir.resolve("table.txt"), text.toString());
        Files.writeString(dir.resolve("report.html"), HtmlReport.render("deferprobe benchmarks: quick profile", env, rows,
                curves(dir), text.toString()));
        out.println();
        out.print(text);
        out.println();
        out.println("wrote " + dir.resolve("results.json") + " (JMH JSON), " + dir.resolve("report.html") + ", "
                + dir.resolve("table.txt") + " and the .hgrm percentile files");
    }

    /** Latency curves from the .hgrm files: chart title (parameters) to engine to points. */
    static Map<String, Map<String, List<Hgrm.Point>>> curves(Path dir) throws IOException {
        Map<String, Map<String, List<Hgrm.Point>>> curves = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".hgrm")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".hgrm", "");
                String[] parts = name.split("-(?=[a-zA-Z]+=)");
                String engine = "?";
                List<String> rest = new ArrayList<>();
                for (String part : parts) {
                    if (part.startsWith("engine=")) {
                        engine = part.substring("engine=".length());
                    } else {
                        rest.add(part);
                    }
                }
                curves.computeIfAbsent(String.join(" ", rest), k -> new LinkedHashMap<>()).put(engine, Hgrm.read(f));
            }
        }
        return curves;
    }

    static List<String> environment(List<String> engines) {
        Runtime rt = Runtime.getRuntime();
        return List.of("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                "cores (availableProcessors): " + rt.availableProcessors(),
                "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                "engines: " + String.join(", ", engines),
                "quick profile: 1 fork, short iterations, reduced parameters; the machine is shared, so expect noise");
    }
}
