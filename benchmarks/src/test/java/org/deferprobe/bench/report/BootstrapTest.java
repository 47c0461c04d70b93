package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The hierarchical bootstrap on made-up data: deterministic, exact where it claims to be, sensible in width. */
class BootstrapTest {
    static final Map<String, String> P = Synthetic.params("deferred", "1000", "pass", "none");

    @Test
    void theSameDataGivesTheSameIntervalEveryTime() {
        Series s = Synthetic.primary("DeferredThroughput", "kernel", P, "us/op", 300, 0.1, 3, 20, 1);
        Estimate a = new Bootstrap("table").estimate(s, Bootstrap.median(Series.PRIMARY));
        Estimate b = new Bootstrap("table").estimate(s, Bootstrap.median(Series.PRIMARY));
        assertEquals(a, b);
        assertEquals(a.lo(), b.lo());
        assertEquals(a.hi(), b.hi());
        assertEquals(Bootstrap.REPLICATES, a.replicates().length);
        Estimate other = new Bootstrap("old").estimate(s, Bootstrap.median(Series.PRIMARY));
        assertEquals(a.point(), other.point(), "the point estimate does not depend on the salt");
        assertFalse(java.util.Arrays.equals(a.replicates(), other.replicates()), "another salt resamples differently");
    }

    @Test
    void theSeedIsAStableHashNotTheJvmsIdentityHash() {
        assertEquals(Bootstrap.seed("table", "Boot x kernel"), Bootstrap.seed("table", "Boot x kernel"));
        assertNotEquals(Bootstrap.seed("table", "Boot x kernel"), Bootstrap.seed("table", "Boot x indexed"));
        // FNV-1a of the single byte '|': (offset basis ^ 0x7c) * prime, a value fixed for every JVM and every run
        assertEquals((0xcbf29ce484222325L ^ 0x7c) * 0x100000001b3L, Bootstrap.seed("", ""));
    }

    @Test
    void theIntervalContainsThePointAndNarrowsWithMoreData() {
        Series few = Synthetic.primary("DeferredThroughput", "kernel", P, "us/op", 300, 0.2, 3, 5, 2);
        Series many = Synthetic.primary("DeferredThroughput", "kernel", P, "us/op", 300, 0.02, 3, 50, 2);
        Bootstrap b = new Bootstrap("table");
        Estimate e1 = b.estimate(few, Bootstrap.median(Series.PRIMARY));
        Estimate e2 = b.estimate(many, Bootstrap.median(Series.PRIMARY));
        assertTrue(e1.lo() <= e1.point() && e1.point() <= e1.hi(), e1.toString());
        assertTrue(e2.lo() <= e2.point() && e2.point() <= e2.hi(), e2.toString());
        assertTrue(e2.hi() - e2.lo() < (e1.hi() - e1.lo()) / 3, e1 + " vs " + e2);
        assertTrue(e2.lo() < 300 * 1.1 && e2.hi() > 300 * 0.9, "covers the true centre: " + e2);
    }

    @Test
    void forkToForkVariationWidensTheIntervalBeyondWhatIterationsAloneShow() {
        // three forks whose iterations agree closely but whose forks differ by 30%
        Series s = new Series("Boot", "kernel", P, "ms/op");
        double[] centers = {100, 130, 100};
        Random r = new Random(3);
        for (int f = 0; f < 3; f++) {
            double[] v = new double[20];
            for (int i = 0; i < 20; i++) {
                v[i] = centers[f] * (1 + 0.001 * r.nextGaussian());
            }
            s.addFork(new Series.Fork(f + 1, Map.of(Series.PRIMARY, v), Map.of(), Map.of()));
        }
        Estimate e = new Bootstrap("table").estimate(s, Bootstrap.mean(Series.PRIMARY));
        assertTrue(e.hi() - e.lo() > 10, "the fork level is resampled: " + e);
    }

    @Test
    void forksArePairedByRoundAcrossEnginesOfTheSameParameters() {
        Bootstrap b = new Bootstrap("table");
        Series kernel = Synthetic.primary("Boot", "kernel", P, "ms/op", 50, 0.1, 3, 5, 4);
        Series floor = Synthetic.primary("Boot", "floor", P, "ms/op", 14, 0.1, 3, 5, 5);
        Series other = Synthetic.primary("Boot", "floor", Synthetic.params("deferred", "10000", "pass", "none"), "ms/op", 14,
                0.1, 3, 5, 5);
        List<Bootstrap.Draw> dk = b.drawsOf(kernel);
        List<Bootstrap.Draw> df = b.drawsOf(floor);
        List<Bootstrap.Draw> dother = b.drawsOf(other);
        boolean allSame = true;
        boolean otherDiffers = false;
        for (int i = 0; i < 100; i++) {
            allSame &= java.util.Arrays.equals(dk.get(i).forks(), df.get(i).forks());
            otherDiffers |= !java.util.Arrays.equals(dk.get(i).forks(), dother.get(i).forks());
        }
        assertTrue(allSame, "the same rounds are drawn for every engine of one parameter combination");
        assertTrue(otherDiffers, "other parameters draw their own rounds");
        assertFalse(java.util.Arrays.deepEquals(dk.get(0).idx(), df.get(0).idx()), "iterations are drawn per series");
    }

    @Test
    void aCommonSlowRoundCancelsInAPairedRatio() {
        // round 2 is twice as slow for both engines: the ratio is 2 in every round
        Series a = new Series("Boot", "kernel", P, "ms/op");
        Series c = new Series("Boot", "global-lock", P, "ms/op");
        for (int f = 1; f <= 3; f++) {
            double mood = f == 2 ? 2 : 1;
            a.addFork(new Series.Fork(f, Map.of(Series.PRIMARY, new double[] {20 * mood, 20 * mood}), Map.of(), Map.of()));
            c.addFork(new Series.Fork(f, Map.of(Series.PRIMARY, new double[] {10 * mood, 10 * mood}), Map.of(), Map.of()));
        }
        Bootstrap b = new Bootstrap("table");
        Estimate ratio = b.estimate(a, Bootstrap.mean(Series.PRIMARY)).ratio(b.estimate(c, Bootstrap.mean(Series.PRIMARY)));
        assertEquals(2.0, ratio.point(), 1e-12);
        assertEquals(2.0, ratio.lo(), 1e-12);
        assertEquals(2.0, ratio.hi(), 1e-12);
    }

    @Test
    void aPercentileOfDrawnHistogramsIsExactlyHdrHistogramsOnTheirSum() {
        Series s = Synthetic.latency("kernel", P, 150_000, 3, 4, 300, 6);
        Bootstrap b = new Bootstrap("table");
        Histogram sum = new Histogram(3);
        s.forks().forEach(f -> f.histograms().get("latency").forEach(sum::add));
        for (double p : new double[] {50, 90, 99, 99.9, 99.99}) {
            double got = b.percentile("latency", p).of(s, Bootstrap.identity(s));
            assertEquals(sum.getValueAtPercentile(p), got, 0.0, "p" + p);
        }
        // and on a resample: build the resampled sum by hand
        Bootstrap.Draw d = b.drawsOf(s).get(17);
        Histogram drawn = new Histogram(3);
        for (int slot = 0; slot < d.forks().length; slot++) {
            for (int i : d.idx()[slot]) {
                drawn.add(s.forks().get(d.forks()[slot]).histograms().get("latency").get(i));
            }
        }
        assertEquals(drawn.getValueAtPercentile(99), b.percentile("latency", 99).of(s, d), 0.0);
        assertEquals(drawn.getTotalCount(), b.count("latency").of(s, d), 0.0);
    }

    @Test
    void aMetricMissingFromAForkMakesTheStatisticUndefinedNotSilentlySmaller() {
        Series s = Synthetic.primary("RegistrationStorm", "indexed", P, "ms/op", 100, 0.1, 3, 4, 7);
        Series with = Synthetic.withIterationMetric(s, "probes_per_device", 1.9, 0.01, 8);
        Series broken = new Series(with.benchmark(), with.engine(), with.params(), with.unit());
        broken.addFork(with.forks().get(0));
        broken.addFork(s.forks().get(1)); // this fork has no probes_per_device
        broken.addFork(with.forks().get(2));
        Estimate e = new Bootstrap("table").estimate(broken, Bootstrap.mean("probes_per_device"));
        assertTrue(Double.isNaN(e.point()) && e.isMissing(), e.toString());
        Estimate ok = new Bootstrap("table").estimate(with, Bootstrap.mean("probes_per_device"));
        assertEquals(1.9, ok.point(), 0.05);
    }

    @Test
    void estimatesCombineReplicateByReplicate() {
        Estimate a = new Estimate(4, new double[] {4, 5, 6}, null);
        Estimate b = new Estimate(2, new double[] {2, 1, 3}, null);
        Estimate r = a.ratio(b);
        assertEquals(2, r.point());
        assertArrayEquals(new double[] {2, 5, 2}, r.replicates());
        assertTrue(a.ratio(Estimate.missing("gone")).isMissing());
        assertEquals("gone", a.combine(Estimate.missing("gone"), Double::sum).why());
    }
}
