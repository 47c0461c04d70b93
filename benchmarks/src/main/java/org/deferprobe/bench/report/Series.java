package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.deferprobe.bench.ReportSink;

/**
 * Everything measured for one benchmark, parameter combination and engine, fork by fork: the raw material of
 * every figure, ratio and interval. Mutable while a run collects it; read-only afterwards.
 */
public final class Series {
    /** The JMH primary score of each measurement iteration, in {@link #unit()}. */
    public static final String PRIMARY = "primary";

    /**
     * One fork: per measurement iteration, JMH's primary score ({@link #PRIMARY}), JMH's secondary results (e.g.
     * {@code gc.alloc.rate.norm}) and the benchmark's own per-iteration figures; figures of the whole trial;
     * latency histograms (nanoseconds), one per measurement iteration.
     *
     * @param fork       1-based fork number (the round of the quick profile)
     * @param iterations metric to its value in each measurement iteration
     * @param trial      metric to its value for the whole fork
     * @param histograms metric to one histogram per measurement iteration
     */
    public record Fork(int fork, Map<String, double[]> iterations, Map<String, Double> trial,
                       Map<String, List<Histogram>> histograms) {
        public Fork {
            iterations = Collections.unmodifiableMap(new TreeMap<>(iterations));
            trial = Collections.unmodifiableMap(new TreeMap<>(trial));
            histograms = Collections.unmodifiableMap(new TreeMap<>(histograms));
        }

        /** Measurement iterations of this fork: the length of its primary series (or of its histograms). */
        public int size() {
            double[] p = iterations.get(PRIMARY);
            if (p != null) {
                return p.length;
            }
            return histograms.values().stream().mapToInt(List::size).findFirst().orElse(0);
        }
    }

    private final String benchmark;
    private final String engine;
    private final Map<String, String> params;
    private String unit;
    private final List<Fork> forks = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    /**
     * @param params the parameters except engine (threads included for TriggerStorm), any order
     * @param unit   the JMH unit of the primary score, e.g. "us/op" or "ops/s"
     */
    public Series(String benchmark, String engine, Map<String, String> params, String unit) {
        this.benchmark = benchmark;
        this.engine = engine;
        Map<String, String> canonical = new TreeMap<>();
        params.forEach((k, v) -> canonical.put(k, ReportSink.canonical(v)));
        this.params = Collections.unmodifiableMap(canonical);
        this.unit = unit;
    }

    public String benchmark() {
        return benchmark;
    }

    public String engine() {
        return engine;
    }

    /** Parameters except engine, sorted, numbers canonical. */
    public Map<String, String> params() {
        return params;
    }

    /** The parameters as one string, "k=v" sorted and comma-separated (engine excluded). */
    public String config() {
        return ReportSink.key(params);
    }

    /** What identifies this series across runs: benchmark, parameters, engine. */
    public String key() {
        return benchmark + " " + config() + " " + engine;
    }

    /** The key a benchmark's own figures carry: its parameters with the engine. */
    public String sinkKey() {
        Map<String, String> withEngine = new LinkedHashMap<>(params);
        withEngine.put("engine", engine);
        return ReportSink.key(withEngine);
    }

    public String unit() {
        return unit;
    }

    /** Set by the runner when the first fork that ran tells JMH's unit (a series whose first fork failed starts "?"). */
    void unit(String jmhUnit) {
        this.unit = jmhUnit;
    }

    public List<Fork> forks() {
        return Collections.unmodifiableList(forks);
    }

    /** Why a fork or a figure is missing, one line each; empty when every fork ran. */
    public List<String> errors() {
        return Collections.unmodifiableList(errors);
    }

    public void addFork(Fork f) {
        forks.add(f);
    }

    public void addError(String e) {
        errors.add(e);
    }

    /** Forks that carry the metric (per iteration, trial or histogram). */
    public long forksWith(String metric) {
        return forks.stream().filter(f -> f.iterations().containsKey(metric) || f.trial().containsKey(metric)
                || f.histograms().containsKey(metric)).count();
    }

    @Override
    public String toString() {
        return key();
    }
}
