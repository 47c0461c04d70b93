package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/** Made-up series for the statistics, verdict and compare tests: seeded, so every test is repeatable. */
final class Synthetic {
    private Synthetic() {
    }

    /** Parameters "k", "v", ... as a map. */
    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * A series whose primary figure is normally distributed around {@code center} with relative spread
     * {@code spread}, plus a per-fork offset of the same size (the machine's mood in that fork).
     */
    static Series primary(String bench, String engine, Map<String, String> params, String unit, double center,
                          double spread, int forks, int iterations, long seed) {
        Random r = new Random(seed);
        Series s = new Series(bench, engine, params, unit);
        for (int f = 1; f <= forks; f++) {
            double offset = 1 + spread * r.nextGaussian();
            double[] v = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                v[i] = center * offset * (1 + spread * r.nextGaussian());
            }
            s.addFork(new Series.Fork(f, Map.of(Series.PRIMARY, v), Map.of(), Map.of()));
        }
        return s;
    }

    /** Adds per-iteration metrics (constant value plus noise) to every fork of a copy of the series. */
    static Series withIterationMetric(Series s, String metric, double value, double spread, long seed) {
        Random r = new Random(seed);
        Series out = new Series(s.benchmark(), s.engine(), s.params(), s.unit());
        for (Series.Fork f : s.forks()) {
            Map<String, double[]> it = new LinkedHashMap<>(f.iterations());
            double[] v = new double[f.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = value * (1 + spread * r.nextGaussian());
            }
            it.put(metric, v);
            out.addFork(new Series.Fork(f.fork(), it, f.trial(), f.histograms()));
        }
        return out;
    }

    /**
     * A TriggerLatency series: per iteration a latency and a service histogram of {@code samples} values,
     * log-normal around {@code medianNanos}.
     */
    static Series latency(String engine, Map<String, String> params, double medianNanos, int forks, int iterations,
                          int samples, long seed) {
        Random r = new Random(seed);
        Series s = new Series("TriggerLatency", engine, params, "ops/s");
        for (int f = 1; f <= forks; f++) {
            List<Histogram> lat = new ArrayList<>();
            List<Histogram> svc = new ArrayList<>();
            double[] primary = new double[iterations];
            double[] zero = new double[iterations];
            double[] count = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                Histogram h = new Histogram(3);
                Histogram g = new Histogram(3);
                for (int k = 0; k < samples; k++) {
                    long v = (long) (medianNanos * Math.exp(0.5 * r.nextGaussian()));
                    h.recordValue(Math.max(1, v));
                    g.recordValue(Math.max(1, v / 2));
                }
                lat.add(h);
                svc.add(g);
                primary[i] = 250;
                count[i] = samples;
            }
            s.addFork(new Series.Fork(f, Map.of(Series.PRIMARY, primary, "not_quiescent", zero, "samples", count), Map.of(),
                    Map.of("latency", lat, "service", svc)));
        }
        return s;
    }
}
