package org.deferprobe.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Where a benchmark (inside JMH's forked JVM) leaves what JMH's own result cannot carry: latency histograms
 * and secondary figures (probe calls per device, passes per trigger, the runner's makespan, the Boot lower
 * bound, the triggering thread's own allocation).
 *
 * <p>With the system property {@value #DIR_PROPERTY} set (the quick profile sets it, one folder per fork
 * round), they are written to that folder:
 * <ul>
 * <li>{@code secondary.tsv}: lines {@code benchmark \t key \t metric \t iteration \t value}, where iteration
 *     is the measurement iteration (0, 1, ...) or {@value #TRIAL} for a figure of the whole trial. Several
 *     lines with the same benchmark, key, metric and iteration add up (each thread of a multi-threaded
 *     benchmark writes its own share).</li>
 * <li>{@code <Benchmark>-<key>-<metric>.hlog}: an HdrHistogram log (HistogramLogWriter), one interval
 *     histogram per measurement iteration, in nanoseconds; and {@code .hgrm}, the fork's percentile
 *     distribution in microseconds.</li>
 * </ul>
 * Without it (plain JMH runs) they are printed to stdout so a JMH user still sees them.
 */
public final class ReportSink {
    public static final String DIR_PROPERTY = "deferprobe.report.dir";
    public static final String SECONDARY_FILE = "secondary.tsv";
    /** The iteration index of a figure that belongs to the whole trial. */
    public static final int TRIAL = -1;

    private ReportSink() {
    }

    /**
     * The key that names one parameter combination: {@code name=value} pairs sorted by name, comma-separated,
     * numbers in one canonical form ({@code 1.0}, {@code 1} and {@code 1.00} are all {@code 1}), so a figure a
     * benchmark writes and the parameters JMH reports for it always meet, however the user spelled {@code -p}.
     */
    public static String key(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=')
                .append(canonical(v)));
        return sb.toString();
    }

    /** A number in plain canonical form ("1.0" and "1" give "1", "0.50" gives "0.5"); anything else unchanged. */
    public static String canonical(String value) {
        if (value == null || value.isEmpty() || !(Character.isDigit(value.charAt(0)) || value.charAt(0) == '-'
                || value.charAt(0) == '.')) {
            return value;
        }
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(value.trim());
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** The file name stem of one benchmark and parameter combination. */
    public static String stem(String benchmark, String key) {
        return benchmark + "-" + key.replace(',', '-');
    }

    /** A figure of the whole trial. */
    public static void secondary(String benchmark, Map<String, String> params, String metric, double value) {
        iteration(benchmark, params, metric, TRIAL, value);
    }

    /** A figure of one measurement iteration (0-based); lines with equal benchmark, key, metric, iteration add up. */
    public static void iteration(String benchmark, Map<String, String> params, String metric, int iteration, double value) {
        String line = benchmark + '\t' + key(params) + '\t' + metric + '\t' + iteration + '\t'
                + String.format(Locale.ROOT, "%.9g", value);
        Path dir = dir();
        if (dir == null) {
            System.out.println("[deferprobe] " + line.replace('\t', ' '));
            return;
        }
        synchronized (ReportSink.class) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(SECONDARY_FILE), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + dir.resolve(SECONDARY_FILE) + ": " + e, e);
            }
        }
    }

    /**
     * Writes the per-iteration histograms of nanoseconds as an HdrHistogram log ({@code .hlog}, one interval
     * per measurement iteration) and their sum as a percentile distribution in microseconds ({@code .hgrm}).
     */
    public static void histograms(String benchmark, Map<String, String> params, String metric, List<Histogram> perIteration) {
        Histogram sum = new Histogram(3);
        perIteration.forEach(sum::add);
        Path dir = dir();
        if (dir == null) {
            System.out.println("[deferprobe] " + benchmark + " " + key(params) + " " + metric + " percentiles (us):");
            sum.outputPercentileDistribution(System.out, 5, 1000.0);
            return;
        }
        String stem = stem(benchmark, key(params)) + "-" + metric;
        Path log = dir.resolve(stem + ".hlog");
        Path hgrm = dir.resolve(stem + ".hgrm");
        try {
            Files.createDirectories(dir);
            try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                HistogramLogWriter w = new HistogramLogWriter(out);
                w.outputLogFormatVersion();
                w.outputLegend();
                for (int i = 0; i < perIteration.size(); i++) {
                    Histogram h = perIteration.get(i);
                    h.setStartTimeStamp(i * 1000L); // the iteration index, in the log's time column
                    h.setEndTimeStamp(i * 1000L + 999);
                    w.outputIntervalHistogram(h);
                }
            }
            try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), true, StandardCharsets.UTF_8)) {
                sum.outputPercentileDistribution(out, 5, 1000.0);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + log + ": " + e, e);
        }
    }

    static Path dir() {
        String d = System.getProperty(DIR_PROPERTY);
        return d == null || d.isBlank() ? null : Path.of(d);
    }
}
