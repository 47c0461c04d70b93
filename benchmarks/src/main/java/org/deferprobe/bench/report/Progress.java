package org.deferprobe.bench.report;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's output, reduced to one progress line per benchmark run ("[ 7/165  1:12] fork 1/3 TriggerLatency kernel
 * deferred=1000 registrants=64 ... 249.9 ops/s"); failures are passed through so they are not silent, and the
 * first line of the last one is kept for the series' error.
 */
final class Progress implements OutputFormat {
    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private String fork = "";
    private String lastError;

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    /** Before each JMH run: which fork of how many it is; forgets the previous run's error. */
    void next(int round, int forks) {
        done++;
        fork = "fork " + round + "/" + forks + " ";
        lastError = null;
    }

    /** The first line of the last failure JMH reported in the current run, or null. */
    String lastError() {
        return lastError;
    }

    @Override
    public void startBenchmark(BenchmarkParams p) {
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%3d/%d %2d:%02d] %s%s", done, total, s / 60, s % 60,
                fork, Table.simpleName(p.getBenchmark())));
        sb.append(' ').append(p.getParam("engine"));
        for (String k : p.getParamsKeys()) {
            if (!k.equals("engine")) {
                sb.append(' ').append(k).append('=').append(p.getParam(k));
            }
        }
        if (p.getThreads() > 1) {
            sb.append(" threads=").append(p.getThreads());
        }
        out.print(sb.append(" ..."));
        out.flush();
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        if (result == null) {
            out.println(" FAILED");
            return;
        }
        var r = result.getPrimaryResult();
        out.println(String.format(Locale.ROOT, " %.4g %s", r.getScore(), r.getScoreUnit()));
    }

    @Override
    public void println(String s) {
        if (s.contains("Exception") || s.contains("<failure>") || s.contains("Error")) {
            String first = s.lines().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst()
                    .orElse(s.lines().findFirst().orElse(s)).trim();
            if (lastError == null) {
                lastError = first;
            }
            out.println();
            out.println("    ! " + s.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse(s));
        }
    }

    @Override
    public void print(String s) {
    }

    @Override
    public void verbosePrintln(String s) {
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
    }

    @Override
    public void startRun() {
    }

    @Override
    public void endRun(Collection<RunResult> result) {
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
    }

    @Override
    public void write(int b) {
    }

    @Override
    public void write(byte[] b) {
    }
}
