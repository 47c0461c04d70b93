package org.deferprobe.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.ReportSink;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Drives JMH one fork at a time, interleaved: round 1 runs fork 1 of every plan on every engine, round 2 fork 2,
 * and so on; within a round the engines of one plan run back to back. A slow period of the shared machine
 * therefore hits every engine of a plan alike, and two forks of one series are a round apart.
 *
 * <p>Each JMH run has exactly one benchmark, one parameter combination and one fork ({@code forks(1)}) and its
 * own JVM arguments, set in full (JMH would otherwise pass the host JVM's own arguments to the fork, a stray
 * test-flaw property included): {@code -Xmx2g} and the round's report folder ({@code forks/<round>/}), where the
 * fork writes its secondary figures and histogram logs. What each fork produced is collected into
 * {@link Series}; a fork that failed or wrote nothing is an error of its series, never skipped in silence.
 */
final class ForkRunner {
    /**
     * One parameter combination of one benchmark, run on every engine.
     *
     * @param params       every @Param of the benchmark except engine, one value each (so the series key never
     *                     depends on a default)
     * @param threads      JMH threads
     * @param gc           add JMH's GC profiler
     * @param measureTime  per iteration, null for SingleShotTime benchmarks
     */
    record Plan(String benchmark, Map<String, String> params, int threads, boolean gc, int warmups, TimeValue warmupTime,
                int measurements, TimeValue measureTime) {
        Plan {
            params = new LinkedHashMap<>(params);
        }

        /** The parameters as the series carries them: threads included for TriggerStorm. */
        Map<String, String> seriesParams() {
            Map<String, String> p = new TreeMap<>(params);
            if ("TriggerStorm".equals(benchmark)) {
                p.put("threads", String.valueOf(threads));
            }
            return p;
        }
    }

    static final String FORKS_DIR = "forks";

    private final PrintStream out;
    private final Path dir;
    private final String testFlaw;
    private final List<RunResult> jmhResults = new ArrayList<>();

    /**
     * @param dir      the report folder; forks write to {@code dir/forks/<round>/}
     * @param testFlaw "ENGINE:NANOS" to pass to the forks as the slow-probes test flaw, or null
     */
    ForkRunner(PrintStream out, Path dir, String testFlaw) {
        this.out = out;
        this.dir = dir;
        this.testFlaw = testFlaw;
    }

    /** JMH's own results of every fork, for jmh-results.json. */
    List<RunResult> jmhResults() {
        return jmhResults;
    }

    /** Runs every plan on every engine, {@code forks} rounds; series in plan order, engines in the given order. */
    List<Series> run(List<Plan> plans, List<String> engines, int forks) throws RunnerException, IOException {
        Map<String, Series> series = new LinkedHashMap<>();
        for (Plan p : plans) {
            for (String e : engines) {
                Series s = new Series(p.benchmark(), e, p.seriesParams(), "?");
                series.put(s.key(), s);
            }
        }
        List<Task> tasks = schedule(plans, engines, forks);
        Progress progress = new Progress(out, tasks.size());
        for (Task t : tasks) {
            Path roundDir = dir.resolve(FORKS_DIR).resolve(String.valueOf(t.round()));
            Files.createDirectories(roundDir);
            Series s = series.get(new Series(t.plan().benchmark(), t.engine(), t.plan().seriesParams(), "?").key());
            progress.next(t.round(), forks);
            Collection<RunResult> got = new Runner(options(t.plan(), t.engine(), roundDir), progress).run();
            collect(s, t.round(), got, roundDir, progress.lastError());
        }
        checkTestFlaw(series.values());
        return new ArrayList<>(series.values());
    }

    /** One JMH run: a plan on an engine, in a round. */
    record Task(int round, Plan plan, String engine) {
    }

    /**
     * The order of the runs: round by round (fork 1 of everything, then fork 2 ...), and within a round plan by plan
     * with the engines of one plan back to back.
     */
    static List<Task> schedule(List<Plan> plans, List<String> engines, int forks) {
        List<Task> tasks = new ArrayList<>();
        for (int round = 1; round <= forks; round++) {
            for (Plan p : plans) {
                for (String e : engines) {
                    tasks.add(new Task(round, p, e));
                }
            }
        }
        return tasks;
    }

    private org.openjdk.jmh.runner.options.Options options(Plan p, String engine, Path roundDir) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-D" + ReportSink.DIR_PROPERTY + "=" + roundDir));
        if (testFlaw != null) {
            jvm.add("-D" + Engines.SLOW_PROBES_PROPERTY + "=" + testFlaw);
        }
        ChainedOptionsBuilder o = new OptionsBuilder().include("\\." + p.benchmark() + "\\.").forks(1).threads(p.threads())
                .warmupIterations(p.warmups()).measurementIterations(p.measurements()).shouldFailOnError(false)
                .jvmArgs(jvm.toArray(String[]::new)).timeout(TimeValue.minutes(3)).param("engine", engine);
        if (p.warmupTime() != null) {
            o.warmupTime(p.warmupTime());
        }
        if (p.measureTime() != null) {
            o.measurementTime(p.measureTime());
        }
        p.params().forEach((k, v) -> o.param(k, v));
        if (p.gc()) {
            o.addProfiler(GCProfiler.class);
        }
        return o.build();
    }

    private void collect(Series s, int round, Collection<RunResult> got, Path roundDir, String error) throws IOException {
        if (got.isEmpty()) {
            s.addError("fork " + round + " failed" + (error == null ? "" : ": " + error));
            return;
        }
        RunResult rr = got.iterator().next();
        jmhResults.add(rr);
        BenchmarkParams bp = rr.getParams();
        Map<String, String> jmhParams = new TreeMap<>();
        for (String k : bp.getParamsKeys()) {
            if (!k.equals("engine")) {
                jmhParams.put(k, ReportSink.canonical(bp.getParam(k)));
            }
        }
        if ("TriggerStorm".equals(s.benchmark())) {
            jmhParams.put("threads", String.valueOf(bp.getThreads()));
        }
        if (!jmhParams.equals(s.params())) {
            s.addError("fork " + round + ": JMH ran parameters " + jmhParams + ", the plan asked for " + s.params());
        }
        s.unit(rr.getPrimaryResult().getScoreUnit());
        Map<String, double[]> iterations = new TreeMap<>();
        for (BenchmarkResult br : rr.getBenchmarkResults()) {
            List<IterationResult> its = new ArrayList<>(br.getIterationResults());
            double[] primary = new double[its.size()];
            Map<String, double[]> jmhSecondary = new TreeMap<>();
            for (int i = 0; i < its.size(); i++) {
                primary[i] = its.get(i).getPrimaryResult().getScore();
                for (Map.Entry<String, Result> e : its.get(i).getSecondaryResults().entrySet()) {
                    jmhSecondary.computeIfAbsent(e.getKey(), k -> fill(its.size())) [i] = e.getValue().getScore();
                }
            }
            iterations.put(Series.PRIMARY, primary);
            jmhSecondary.forEach((k, v) -> {
                if (java.util.Arrays.stream(v).noneMatch(Double::isNaN)) { // a label some iterations lack is left out
                    iterations.put(k, v);
                }
            });
        }
        int n = iterations.get(Series.PRIMARY).length;
        Map<String, Double> trial = new TreeMap<>();
        readSecondary(s, round, roundDir, n, iterations, trial);
        Map<String, List<Histogram>> histograms = readHistograms(s, round, roundDir, n);
        s.addFork(new Series.Fork(round, iterations, trial, histograms));
    }

    private static double[] fill(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, Double.NaN);
        return d;
    }

    /** This series' lines of the round's secondary.tsv: per-iteration values (added up) and trial values. */
    private static void readSecondary(Series s, int round, Path roundDir, int n, Map<String, double[]> iterations,
                                      Map<String, Double> trial) throws IOException {
        Path file = roundDir.resolve(ReportSink.SECONDARY_FILE);
        if (!Files.exists(file)) {
            return;
        }
        String key = s.sinkKey();
        Map<String, Map<Integer, Double>> byMetric = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length != 5 || !f[0].equals(s.benchmark()) || !f[1].equals(key)) {
                continue;
            }
            int it = Integer.parseInt(f[3]);
            double v = Double.parseDouble(f[4]);
            if (it == ReportSink.TRIAL) {
                trial.merge(f[2], v, Double::sum);
            } else {
                byMetric.computeIfAbsent(f[2], k -> new TreeMap<>()).merge(it, v, Double::sum);
            }
        }
        byMetric.forEach((metric, values) -> {
            if (values.size() != n || !values.containsKey(0) || !values.containsKey(n - 1)) {
                s.addError("fork " + round + ": " + metric + " has values for iterations " + values.keySet() + ", JMH measured "
                        + n);
                return;
            }
            double[] v = new double[n];
            values.forEach((i, x) -> v[i] = x);
            iterations.put(metric, v);
        });
    }

    private static Map<String, List<Histogram>> readHistograms(Series s, int round, Path roundDir, int n) throws IOException {
        Map<String, List<Histogram>> out = new TreeMap<>();
        String stem = ReportSink.stem(s.benchmark(), s.sinkKey()) + "-";
        try (Stream<Path> files = Files.list(roundDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(stem)
                    && p.getFileName().toString().endsWith(".hlog")).sorted().toList()) {
                String name = f.getFileName().toString();
                String metric = name.substring(stem.length(), name.length() - ".hlog".length());
                List<Histogram> list = new ArrayList<>();
                try (HistogramLogReader r = new HistogramLogReader(f.toFile())) {
                    for (var h = r.nextIntervalHistogram(); h != null; h = r.nextIntervalHistogram()) {
                        list.add((Histogram) h);
                    }
                }
                if (list.size() != n) {
                    s.addError("fork " + round + ": " + name + " has " + list.size() + " iteration histograms, JMH measured " + n);
                    continue;
                }
                out.put(metric, list);
            }
        }
        return out;
    }

    /** The test flaw is where it was asked for and nowhere else. */
    private void checkTestFlaw(Collection<Series> all) {
        String flawed = testFlaw == null ? null : testFlaw.substring(0, testFlaw.indexOf(':'));
        for (Series s : all) {
            long spun = s.forksWith(Engines.SLOW_PROBES_METRIC);
            boolean expected = s.engine().equals(flawed);
            if (!expected && spun > 0) {
                s.addError("TEST FLAW found in " + spun + " fork(s) that were not asked for it");
            } else if (expected && spun < s.forks().size()) {
                s.addError("TEST FLAW asked for but missing in " + (s.forks().size() - spun) + " fork(s)");
            }
        }
    }
}
