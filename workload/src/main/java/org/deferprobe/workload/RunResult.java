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
 * @param bindLatency      how long binds came after everything their device needed was there, or null if none
 * @param deferredProbePending devices still deferred when the deferred_probe_timeout fired, with their reasons
 */
public record RunResult(String scenario, String engine, int devices, List<String> bound, Map<String, String> deferred,
                        List<String> failed, List<String> unbound, Stats stats, long makespanMicros,
                        List<String> violations, List<String> errors, Boolean expectationsMet,
                        List<String> mismatches, BindLatency bindLatency, Map<String, String> deferredProbePending) {

    /**
     * Bind latency: from the moment a device had everything it needs (its registration, its driver's, its
     * suppliers' binds, its resources' latest publication) to its bind, over every bind of the run.
     *
     * @param atTimeout devices that had everything before the deferred_probe_timeout fired and bound only after it
     *                  (nothing else retried them: B2 on the kernel), with their latency
     */
    public record BindLatency(int binds, long p50Micros, long p99Micros, long maxMicros, String worstDevice,
                              long worstMicros, Map<String, Long> atTimeout) {
    }

    /** Without bind latency or a deferred_probe_timeout. */
    public RunResult(String scenario, String engine, int devices, List<String> bound, Map<String, String> deferred,
                     List<String> failed, List<String> unbound, Stats stats, long makespanMicros,
                     List<String> violations, List<String> errors, Boolean expectationsMet, List<String> mismatches) {
        this(scenario, engine, devices, bound, deferred, failed, unbound, stats, makespanMicros, violations, errors,
                expectationsMet, mismatches, null, Map.of());
    }

    /** The same result with {@code first} before its violations (what a lock validator saw before the end). */
    public RunResult withViolationsFirst(List<String> first) {
        if (first.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(violations);
        return new RunResult(scenario, engine, devices, bound, deferred, failed, unbound, stats, makespanMicros,
                List.copyOf(all), errors, expectationsMet, mismatches, bindLatency, deferredProbePending);
    }

    /** True when nothing was violated and every expectation present was met. */
    public boolean passed() {
        return violations.isEmpty() && !Boolean.FALSE.equals(expectationsMet);
    }
}
