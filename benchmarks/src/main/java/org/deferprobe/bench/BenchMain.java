package org.deferprobe.bench;

import org.deferprobe.bench.report.QuickProfile;

/**
 * The benchmarks jar's entry point.
 *
 * <p>With no arguments: the quick profile of all five benchmarks over "floor" and every real engine, a
 * progress line per run, then the table and the report folder ({@code bench-report/}, or the folder named
 * by {@code -Ddeferprobe.report.dir=...}). With arguments: plain JMH ({@code -h}, {@code -l}, {@code -p},
 * {@code -rf json} ... behave as JMH users expect).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        QuickProfile.run(System.out);
    }
}
