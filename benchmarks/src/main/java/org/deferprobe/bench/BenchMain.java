package org.deferprobe.bench;

import org.deferprobe.bench.report.BootBoards;
import org.deferprobe.bench.report.Compare;
import org.deferprobe.bench.report.QuickProfile;
import org.deferprobe.bench.report.Saturation;

/**
 * The benchmarks jar's entry point.
 *
 * <ul>
 * <li>no arguments, or {@code quick [--forks N] [--out DIR] [--test-flaw-slow-probes ENGINE:NANOS]}: the quick
 *     profile of all five benchmarks over "floor" and every real engine, 3 forks per engine interleaved in
 *     time, then the table with 95% intervals, the targets and the report folder ({@code bench-report/});</li>
 * <li>{@code compare OLD NEW [--fail-on-regression PCT]}: two runs side by side, benchstat style;</li>
 * <li>{@code report DIR}: the table and targets of a past run, computed again from its results.json;</li>
 * <li>{@code saturation [--forks N] [--out DIR] [--registrants N] [--levels ...]}: the churn sweep that finds each
 *     engine's saturation point;</li>
 * <li>{@code boot --boards PATH[,PATH...] [--fw-devlink on,off] [--probe-micros N] [--forks N] [--out DIR]}: the
 *     Boot benchmark on real device trees, with intervals and the 1.2x-the-bound targets;</li>
 * <li>anything else: plain JMH ({@code -h}, {@code -l}, {@code -p}, {@code -rf json} ... behave as JMH users
 *     expect).</li>
 * </ul>
 * Bad usage or input is one line on stderr and exit status 2.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        String command = args.length == 0 ? "quick" : args[0];
        int status;
        switch (command) {
            case "quick" -> status = QuickProfile.run(rest, System.out, System.err);
            case "compare" -> status = Compare.run(rest, System.out, System.err);
            case "report" -> status = QuickProfile.reprint(rest, System.out, System.err);
            case "saturation" -> status = Saturation.run(rest, System.out, System.err);
            case "boot" -> status = BootBoards.run(rest, System.out, System.err);
            default -> {
                org.openjdk.jmh.Main.main(args);
                return;
            }
        }
        System.exit(status);
    }
}
