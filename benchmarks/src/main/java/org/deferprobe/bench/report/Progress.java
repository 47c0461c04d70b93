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
 * JMH's output, reduced to one progress line per benchmark run ("[ 7/30  1:12] TriggerLatency kernel
 * deferred=1000 registrants=64 ... 123.4 us/op"); failures are passed through so they are not silent.
 */
final class Progress implements OutputFormat {
    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(BenchmarkParams p) {
        done++;
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%2d/%d %2d:%02d] %s", done, total, s / 60, s % 60,
                Table.simpleName(p.getBenchmark())));
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
