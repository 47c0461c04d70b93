package org.deferprobe.bench.report;

import java.util.List;
import java.util.Map;

/**
 * One line of the report: a benchmark, its parameters other than the engine, the engine (or "floor"), the
 * figure the table shows with its interval, and its ratios to global-lock and to the floor for the same
 * parameters, each with its interval.
 *
 * @param benchmark      simple name, e.g. TriggerLatency (a derived figure says so: "DeferredThroughput marginal")
 * @param config         the parameters except engine, "k=v" sorted, comma-separated (threads included)
 * @param engine         engine name or "floor"
 * @param unit           the figure's unit, e.g. "us p99"
 * @param higherIsBetter true for throughputs
 * @param figure         the headline figure (missing if a run failed or a figure was not written)
 * @param vsGlobalLock   figure / global-lock's figure for the same parameters (missing if there is none)
 * @param vsFloor        figure / the floor's figure for the same parameters (missing if there is none)
 * @param secondary      other figures of the same series, for the extra column and the targets
 * @param forks          forks the figure is computed from
 * @param errors         why something is missing or incomplete, one line each (empty when all is well)
 */
public record Row(String benchmark, String config, String engine, String unit, boolean higherIsBetter, Estimate figure,
                  Estimate vsGlobalLock, Estimate vsFloor, Map<String, Estimate> secondary, int forks, List<String> errors) {

    public Row withRatios(Estimate toGlobalLock, Estimate toFloor) {
        return new Row(benchmark, config, engine, unit, higherIsBetter, figure, toGlobalLock, toFloor, secondary, forks, errors);
    }

    /** A secondary figure, or a missing estimate naming it. */
    public Estimate secondary(String metric) {
        Estimate e = secondary.get(metric);
        return e != null ? e : Estimate.missing("no figure " + metric + " for " + benchmark + " " + config + " " + engine);
    }

    /** What identifies the row across runs. */
    public String key() {
        return benchmark + " " + config + " " + engine;
    }
}
