package org.deferprobe.workload;

import java.util.List;
import java.util.Map;
import org.deferprobe.engine.Stats;

/**
 * The outcome of one scenario on one engine: the CLI's JSON line (docs/scenario-format.md).
 *
 * @param devices          live devices at the end
 * @param bound            sorted
 * @param deferred         device to the reason of its latest deferral, sorted by device
 * @param failed           sorted
 * @param unbound          live devices neither bound, deferred nor failed, sorted
 * @param makespanMicros   from the first step to quiescence after the last
 * @param violations       named checks that failed ({@code quiescence-timeout}, the engine's own), one line each
 * @param errors           probes that threw, engine calls that were refused, one line each
 * @param expectationsMet  null without {@code expect}
 * @param mismatches       why expectations were not met, one line per set that differed
 */
public record RunResult(String scenario, String engine, int devices, List<String> bound, Map<String, String> deferred,
                        List<String> failed, List<String> unbound, Stats stats, long makespanMicros,
                        List<String> violations, List<String> errors, Boolean expectationsMet,
                        List<String> mismatches) {

    /** The same result with {@code first} before its violations (what a lock validator saw before the end). */
    public RunResult withViolationsFirst(List<String> first) {
        if (first.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(violations);
        return new RunResult(scenario, engine, devices, bound, deferred, failed, unbound, stats, makespanMicros,
                List.copyOf(all), errors, expectationsMet, mismatches);
    }

    /** True when nothing was violated and every expectation present was met. */
    public boolean passed() {
        return violations.isEmpty() && !Boolean.FALSE.equals(expectationsMet);
    }
}
