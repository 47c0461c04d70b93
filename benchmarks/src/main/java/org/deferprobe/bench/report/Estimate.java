package org.deferprobe.bench.report;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A figure and its bootstrap replicates: the point estimate from all the data, and the same statistic on
 * each of {@link Bootstrap#REPLICATES} resamples. Replicate b of two estimates of different series come from
 * independent resamples, so combining them replicate by replicate (a ratio, a difference) resamples both
 * series independently, and the percentile interval of the combination is its confidence interval.
 *
 * <p>Immutable; the sorted replicates behind {@link #quantile} are computed once, on first use.
 */
public final class Estimate {
    /** Replicates may be NaN; more than this fraction of them and the interval is undefined. */
    static final double MAX_UNDEFINED = 0.05;

    private final double point;
    private final double[] replicates;
    private final String missing;
    private double[] sorted;

    /**
     * @param point      the statistic on all the data; NaN when the figure is missing
     * @param replicates the statistic on each resample (NaN where it is undefined; an infinity is a value, e.g. a
 *                   marginal cost too small to measure), in resample order
     * @param missing    why the figure is missing (null when it is not)
     */
    public Estimate(double point, double[] replicates, String missing) {
        this.point = point;
        this.replicates = replicates;
        this.missing = missing;
    }

    public double point() {
        return point;
    }

    /** The replicates in resample order (do not modify). */
    public double[] replicates() {
        return replicates;
    }

    public String missing() {
        return missing;
    }

    public static Estimate missing(String why) {
        return new Estimate(Double.NaN, new double[0], why);
    }

    /** A constant: its interval is the point itself. */
    public static Estimate exactly(double v) {
        double[] r = new double[Bootstrap.REPLICATES];
        Arrays.fill(r, v);
        return new Estimate(v, r, null);
    }

    public boolean isMissing() {
        return missing != null || Double.isNaN(point);
    }

    /** The reason the figure is missing, or a generic one when the statistic was undefined. */
    public String why() {
        return missing != null ? missing : "the statistic is undefined on this data";
    }

    /** Lower end of the 95% percentile interval; NaN when undefined. */
    public double lo() {
        return quantile(0.025);
    }

    /** Upper end of the 95% percentile interval; NaN when undefined. */
    public double hi() {
        return quantile(0.975);
    }

    /** The q-quantile of the replicates (linear interpolation between order statistics); NaN when undefined. */
    public double quantile(double q) {
        if (isMissing() || replicates.length == 0) {
            return Double.NaN;
        }
        double[] finite = sorted;
        if (finite == null) {
            finite = Arrays.stream(replicates).filter(v -> !Double.isNaN(v)).sorted().toArray(); // infinities stay
            sorted = finite; // racy but benign: every thread computes the same array
        }
        if (finite.length < replicates.length * (1 - MAX_UNDEFINED)) {
            return Double.NaN;
        }
        double h = (finite.length - 1) * q;
        int i = (int) Math.floor(h);
        if (i + 1 >= finite.length) {
            return finite[finite.length - 1];
        }
        double a = finite[i];
        double b = finite[i + 1];
        if (a == b || h == i) {
            return a;
        }
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            return b; // between a value and an infinity, or two infinities: the interpolation is the upper one
        }
        return a + (h - i) * (b - a);
    }

    public Estimate map(DoubleUnaryOperator f) {
        if (isMissing()) {
            return this;
        }
        double[] r = new double[replicates.length];
        for (int b = 0; b < r.length; b++) {
            r[b] = f.applyAsDouble(replicates[b]);
        }
        return new Estimate(f.applyAsDouble(point), r, null);
    }

    /** Replicate by replicate: f(this, other); missing if either is. */
    public Estimate combine(Estimate other, DoubleBinaryOperator f) {
        if (isMissing()) {
            return this;
        }
        if (other.isMissing()) {
            return other;
        }
        int n = Math.min(replicates.length, other.replicates.length);
        double[] r = new double[n];
        for (int b = 0; b < n; b++) {
            r[b] = f.applyAsDouble(replicates[b], other.replicates[b]);
        }
        return new Estimate(f.applyAsDouble(point, other.point), r, null);
    }

    /** this / other, with its interval. */
    public Estimate ratio(Estimate other) {
        return combine(other, (a, b) -> a / b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Estimate e && Double.compare(point, e.point) == 0 && Arrays.equals(replicates, e.replicates)
                && java.util.Objects.equals(missing, e.missing);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(point) * 31 + Arrays.hashCode(replicates);
    }

    @Override
    public String toString() {
        return isMissing() ? "missing (" + why() + ")" : point + " [" + lo() + ", " + hi() + "]";
    }
}
