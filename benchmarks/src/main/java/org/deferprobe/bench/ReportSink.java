package org.deferprobe.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Where a benchmark (inside JMH's forked JVM) leaves what JMH's own result cannot carry: the HdrHistogram
 * percentile file (.hgrm) of a latency benchmark and secondary figures (probe calls per device, passes per
 * trigger, the Boot lower bound).
 *
 * <p>With the system property {@value #DIR_PROPERTY} set (the quick profile sets it for its forks), they are
 * written to that folder: {@code <Benchmark>-<key>.hgrm} and lines of {@code secondary.tsv}
 * ({@code benchmark \t key \t metric \t value}). Without it, plain JMH runs, they are printed to stdout so a
 * JMH user still sees them.
 */
public final class ReportSink {
    public static final String DIR_PROPERTY = "deferprobe.report.dir";
    public static final String SECONDARY_FILE = "secondary.tsv";

    private ReportSink() {
    }

    /** The key that names one parameter combination: {@code name=value} pairs sorted by name, comma-separated. */
    public static String key(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    public static void secondary(String benchmark, Map<String, String> params, String metric, double value) {
        String line = benchmark + '\t' + key(params) + '\t' + metric + '\t' + String.format(Locale.ROOT, "%.6g", value);
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

    /** Writes a histogram of nanoseconds as a percentile distribution in microseconds (the .hgrm format). */
    public static void histogram(String benchmark, Map<String, String> params, Histogram nanos) {
        Path dir = dir();
        if (dir == null) {
            System.out.println("[deferprobe] " + benchmark + " " + key(params) + " latency percentiles (us):");
            nanos.outputPercentileDistribution(System.out, 5, 1000.0);
            return;
        }
        Path file = dir.resolve(benchmark + "-" + key(params).replace(',', '-') + ".hgrm");
        try {
            Files.createDirectories(dir);
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
                nanos.outputPercentileDistribution(out, 5, 1000.0);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e, e);
        }
    }

    static Path dir() {
        String d = System.getProperty(DIR_PROPERTY);
        return d == null || d.isBlank() ? null : Path.of(d);
    }
}
