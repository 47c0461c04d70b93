package org.deferprobe.bench.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The hierarchical (two-level) percentile bootstrap every interval of the report comes from.
 *
 * <p>A series has a few forks (independent JVMs, run at different times) and, in each, several measurement
 * iterations. One resample draws as many forks as the series has, with replacement, and then, inside each
 * drawn fork, as many iterations as that fork has, with replacement; the statistic (a median of the drawn
 * iterations' values, the p99 of the sum of their histograms ...) is computed on the drawn data. Resampling
 * forks carries the variation between JVMs and between the machine's quiet and busy periods; resampling
 * iterations inside them carries the variation within a fork. With 3 forks the fork level alone would give
 * only 10 distinct resamples; the second level makes the interval continuous. Neither level makes 3 forks
 * worth more than they are: the bootstrap under-states the spread of a mean of n forks by a factor of about
 * sqrt((n - 1) / n), which is why a verdict also needs the interval to clear its threshold, not the point.
 *
 * <p>Paired by round: the quick profile runs fork r of every engine of one parameter combination back to back
 * (round r), so a slow period of the shared machine hits them alike. The fork level of the resampling is
 * therefore drawn once per benchmark, parameters and salt and shared by every engine of them: a resample that
 * draws round 2 twice draws it twice for the floor, global-lock and the engine alike, and a ratio of two of them
 * keeps what the interleaving bought (the paired bootstrap). The iteration level is drawn per series,
 * independently.
 *
 * <p>Deterministic: the draws come from SplittableRandoms seeded with a 64-bit FNV-1a hash of a salt and the
 * series' key (iterations) or its benchmark, parameters and fork count (rounds), so the same data always gives
 * the same interval. The old and new side of a comparison use different salts, so they are resampled
 * independently, as two separate runs must be.
 */
public final class Bootstrap {
    /** Resamples per estimate. */
    public static final int REPLICATES = 2000;

    /**
     * One resample of a series: slot s is a copy of fork {@code forks[s]} made of its iterations {@code idx[s]}.
     */
    public record Draw(int[] forks, int[][] idx) {
    }

    /** A statistic of a series on a draw; NaN when undefined (a metric missing from a drawn fork). */
    @FunctionalInterface
    public interface Stat {
        double of(Series s, Draw d);
    }

    private final String salt;
    private final Map<Series, List<Draw>> draws = new IdentityHashMap<>();
    private final Map<Series, Map<String, Union>> unions = new IdentityHashMap<>();

    /** @param salt distinguishes independent resamplings of the same data (e.g. "old" and "new") */
    public Bootstrap(String salt) {
        this.salt = salt;
    }

    /** The statistic on all the data, and on each resample. */
    public Estimate estimate(Series s, Stat stat) {
        if (s.forks().isEmpty()) {
            return Estimate.missing("no fork of " + s.key() + " produced results");
        }
        double point = stat.of(s, identity(s));
        List<Draw> ds = drawsOf(s);
        double[] r = new double[ds.size()];
        for (int b = 0; b < r.length; b++) {
            r[b] = stat.of(s, ds.get(b));
        }
        return new Estimate(point, r, null);
    }

    /** Every fork once, every iteration once. */
    public static Draw identity(Series s) {
        int k = s.forks().size();
        int[] forks = new int[k];
        int[][] idx = new int[k][];
        for (int f = 0; f < k; f++) {
            forks[f] = f;
            int n = s.forks().get(f).size();
            idx[f] = new int[n];
            for (int i = 0; i < n; i++) {
                idx[f][i] = i;
            }
        }
        return new Draw(forks, idx);
    }

    List<Draw> drawsOf(Series s) {
        return draws.computeIfAbsent(s, x -> makeDraws(x, salt, REPLICATES));
    }

    static List<Draw> makeDraws(Series s, String salt, int replicates) {
        int k = s.forks().size();
        SplittableRandom rounds = new SplittableRandom(seed(salt, "rounds|" + s.benchmark() + " " + s.config() + "|" + k));
        SplittableRandom iterations = new SplittableRandom(seed(salt, s.key()));
        List<Draw> out = new ArrayList<>(replicates);
        for (int b = 0; b < replicates; b++) {
            int[] forks = new int[k];
            int[][] idx = new int[k][];
            for (int slot = 0; slot < k; slot++) {
                int f = rounds.nextInt(k);
                forks[slot] = f;
                int n = s.forks().get(f).size();
                idx[slot] = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[slot][i] = iterations.nextInt(n);
                }
            }
            out.add(new Draw(forks, idx));
        }
        return out;
    }

    /** 64-bit FNV-1a of salt, '|', key: stable across JVMs and runs. */
    static long seed(String salt, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (salt + "|" + key).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    // ---------------------------------------------------------------- statistics

    /** The drawn values of a per-iteration metric, pooled; null if a drawn fork lacks it. */
    static double[] pooled(Series s, Draw d, String metric) {
        int total = 0;
        for (int[] ix : d.idx()) {
            total += ix.length;
        }
        double[] out = new double[total];
        int n = 0;
        for (int slot = 0; slot < d.forks().length; slot++) {
            Series.Fork f = s.forks().get(d.forks()[slot]);
            double[] v = f.iterations().get(metric);
            if (v == null || v.length != f.size()) {
                return null;
            }
            for (int i : d.idx()[slot]) {
                out[n++] = v[i];
            }
        }
        return out;
    }

    /** Median of the drawn iterations' values of a metric. */
    public static Stat median(String metric) {
        return (s, d) -> {
            double[] v = pooled(s, d, metric);
            return v == null || v.length == 0 ? Double.NaN : median(v);
        };
    }

    /** Mean of the drawn iterations' values of a metric. */
    public static Stat mean(String metric) {
        return (s, d) -> {
            double[] v = pooled(s, d, metric);
            return v == null || v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
        };
    }

    /** Sum of one metric over the drawn iterations divided by the sum of another (bytes / calls). */
    public static Stat ratioOfSums(String numerator, String denominator) {
        return (s, d) -> {
            double[] a = pooled(s, d, numerator);
            double[] b = pooled(s, d, denominator);
            if (a == null || b == null) {
                return Double.NaN;
            }
            double sb = Arrays.stream(b).sum();
            return sb == 0 ? Double.NaN : Arrays.stream(a).sum() / sb;
        };
    }

    /** Mean over the drawn forks of a figure of the whole trial. */
    public static Stat trialMean(String metric) {
        return (s, d) -> {
            double sum = 0;
            for (int f : d.forks()) {
                Double v = s.forks().get(f).trial().get(metric);
                if (v == null) {
                    return Double.NaN;
                }
                sum += v;
            }
            return d.forks().length == 0 ? Double.NaN : sum / d.forks().length;
        };
    }

    /**
     * The p-th percentile (0 < p < 100) of the sum of the drawn iterations' histograms, exactly as
     * HdrHistogram's getValueAtPercentile computes it on that sum (the highest value equivalent to the value at
     * that rank), without building the sum.
     */
    public Stat percentile(String metric, double p) {
        return (s, d) -> {
            Union u = unions.computeIfAbsent(s, x -> new HashMap<>()).computeIfAbsent(metric, m -> Union.of(s, m));
            return u == null ? Double.NaN : u.percentile(d, p);
        };
    }

    /** Samples in the drawn iterations' histograms. */
    public Stat count(String metric) {
        return (s, d) -> {
            Union u = unions.computeIfAbsent(s, x -> new HashMap<>()).computeIfAbsent(metric, m -> Union.of(s, m));
            return u == null ? Double.NaN : u.count(d);
        };
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    /**
     * A series' histograms of one metric over a common value domain: the distinct bucket values (HdrHistogram's
     * highest equivalent values) of every iteration, and each iteration's cumulative count up to each of them, so
     * the rank of a value in any draw is a sum over the drawn iterations and a percentile is a binary search.
     */
    static final class Union {
        final long[] values;
        /** cumulative[fork][iteration][domain index]: samples at or below values[index] */
        final long[][][] cumulative;

        private Union(long[] values, long[][][] cumulative) {
            this.values = values;
            this.cumulative = cumulative;
        }

        static Union of(Series s, String metric) {
            TreeSet<Long> domain = new TreeSet<>();
            for (Series.Fork f : s.forks()) {
                List<Histogram> hs = f.histograms().get(metric);
                if (hs == null || hs.size() != f.size()) {
                    return null;
                }
                for (Histogram h : hs) {
                    for (HistogramIterationValue v : h.recordedValues()) {
                        domain.add(v.getValueIteratedTo());
                    }
                }
            }
            long[] values = domain.stream().mapToLong(Long::longValue).toArray();
            long[][][] cumulative = new long[s.forks().size()][][];
            for (int f = 0; f < cumulative.length; f++) {
                List<Histogram> hs = s.forks().get(f).histograms().get(metric);
                cumulative[f] = new long[hs.size()][values.length];
                for (int i = 0; i < hs.size(); i++) {
                    long[] c = cumulative[f][i];
                    for (HistogramIterationValue v : hs.get(i).recordedValues()) {
                        c[Arrays.binarySearch(values, v.getValueIteratedTo())] += v.getCountAtValueIteratedTo();
                    }
                    for (int x = 1; x < c.length; x++) {
                        c[x] += c[x - 1];
                    }
                }
            }
            return new Union(values, cumulative);
        }

        /** Samples of the draw at or below values[x]. */
        private long rank(Draw d, int x) {
            long c = 0;
            for (int slot = 0; slot < d.forks().length; slot++) {
                long[][] fc = cumulative[d.forks()[slot]];
                for (int i : d.idx()[slot]) {
                    c += fc[i][x];
                }
            }
            return c;
        }

        double count(Draw d) {
            return values.length == 0 ? 0 : rank(d, values.length - 1);
        }

        double percentile(Draw d, double p) {
            long total = (long) count(d);
            if (total == 0) {
                return Double.NaN;
            }
            double requested = Math.min(Math.max(Math.nextAfter(p, Double.NEGATIVE_INFINITY), 0), 100);
            long target = Math.max(1, (long) Math.ceil((requested / 100.0) * total));
            int lo = 0;
            int hi = values.length - 1; // rank(hi) = total >= target
            while (lo < hi) { // the first value whose rank reaches the target
                int mid = (lo + hi) >>> 1;
                if (rank(d, mid) >= target) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return values[lo];
        }
    }
}
