package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows from made-up series: the figures, the derived marginal cost, and no silent fallback for a missing one. */
class TableTest {
    @Test
    void aMissingLatencyHistogramIsAnErrorRowNotJmhsOwnPercentile() {
        Series s = Synthetic.primary("TriggerLatency", "kernel", Synthetic.params("registrants", "64"), "ops/s", 250, 0.01, 3, 4, 1);
        List<Row> rows = Table.rows(List.of(s), new Bootstrap("table"));
        Row r = rows.get(0);
        assertTrue(r.figure().isMissing(), "no histogram, no figure: " + r.figure());
        String text = Table.format(rows);
        assertTrue(text.lines().anyMatch(l -> l.matches("\\| TriggerLatency .*\\| +ERROR \\|.*")), text);
        assertTrue(text.contains("ERROR TriggerLatency registrants=64 kernel: no latency histogram"), text);
    }

    @Test
    void aFailedForkIsAnErrorLineOfItsRow() {
        Series s = Synthetic.primary("Boot", "kernel", Synthetic.params("async", "1.0"), "ms/op", 50, 0.01, 2, 4, 1);
        s.addError("fork 3 failed: java.lang.IllegalStateException: kernel boot bound 199 of 200");
        Row r = Table.rows(List.of(s), new Bootstrap("table")).get(0);
        assertTrue(r.errors().get(0).contains("fork 3 failed"), r.errors().toString());
        assertEquals("async=1", r.config(), "numbers are canonical, however -p spelled them");
    }

    @Test
    void theMarginalCostIsTheSlopeBetweenTwoSizes() {
        // a pass costs 50 us fixed plus 100 ns per device: 150 us at 1000, 1050 us at 10000
        Series small = Synthetic.primary("DeferredThroughput", "kernel", Synthetic.params("deferred", "1000", "pass", "none"),
                "us/op", 150, 0.0001, 3, 10, 1);
        Series large = Synthetic.primary("DeferredThroughput", "kernel", Synthetic.params("deferred", "10000", "pass", "none"),
                "us/op", 1050, 0.0001, 3, 10, 2);
        List<Row> rows = Table.rows(List.of(small, large), new Bootstrap("table"));
        Row marginal = rows.stream().filter(r -> r.benchmark().equals("DeferredThroughput marginal")).findFirst().orElseThrow();
        assertEquals("deferred=1000..10000,pass=none", marginal.config());
        assertEquals(1e7, marginal.figure().point(), 1e7 * 0.01, "100 ns per re-probe");
        assertEquals(100, marginal.secondary("marginal_ns_per_reprobe").point(), 1);
        assertEquals(1000 / 150e-6, rows.get(0).figure().point(), 1000 / 150e-6 * 0.01, "per pass: fixed cost included");
    }

    @Test
    void aMarginalCostTooSmallToResolveIsAnOpenIntervalNotAnError() {
        // the floor: 10000 devices hardly slower than 1000 (the fixed cost dominates, noise does the rest)
        Series small = Synthetic.withIterationMetric(Synthetic.primary("DeferredThroughput", "floor",
                Synthetic.params("deferred", "1000", "pass", "none"), "us/op", 300, 0.05, 3, 10, 1), "probed_per_pass", 1000, 0, 1);
        Series large = Synthetic.withIterationMetric(Synthetic.primary("DeferredThroughput", "floor",
                Synthetic.params("deferred", "10000", "pass", "none"), "us/op", 310, 0.05, 3, 10, 2), "probed_per_pass", 10000, 0, 1);
        Row marginal = Table.rows(List.of(small, large), new Bootstrap("table")).stream()
                .filter(r -> r.benchmark().endsWith("marginal")).findFirst().orElseThrow();
        assertTrue(marginal.errors().isEmpty(), marginal.errors().toString());
        assertEquals(Double.POSITIVE_INFINITY, marginal.figure().hi(), "some resamples cannot resolve the slope");
        assertTrue(marginal.figure().lo() > 0 && Double.isFinite(marginal.figure().lo()), marginal.figure().toString());
    }

    @Test
    void ratiosAreToTheRowsOfTheSameParameters() {
        Map<String, String> p = Synthetic.params("source", "random", "async", "1.0");
        Series floor = Synthetic.primary("Boot", "floor", p, "ms/op", 14, 0.001, 3, 4, 1);
        Series gl = Synthetic.primary("Boot", "global-lock", p, "ms/op", 700, 0.001, 3, 4, 2);
        Series k = Synthetic.primary("Boot", "kernel", p, "ms/op", 70, 0.001, 3, 4, 3);
        List<Series> withMakespan = List.of(floor, gl, k).stream().map(s -> {
            Series out = new Series(s.benchmark(), s.engine(), s.params(), s.unit());
            s.forks().forEach(f -> {
                Map<String, double[]> it = new java.util.HashMap<>(f.iterations());
                it.put("makespan_us", java.util.Arrays.stream(f.iterations().get(Series.PRIMARY)).map(v -> v * 1000).toArray());
                out.addFork(new Series.Fork(f.fork(), it, Map.of("lower_bound_us", 13000.0), Map.of()));
            });
            return out;
        }).toList();
        List<Row> rows = Table.rows(withMakespan, new Bootstrap("table"));
        Row kernel = rows.get(2);
        assertEquals(0.1, kernel.vsGlobalLock().point(), 0.01);
        assertEquals(5.0, kernel.vsFloor().point(), 0.1);
        assertEquals(70_000 / 13_000.0, kernel.secondary("makespan_per_bound").point(), 0.05);
    }
}
