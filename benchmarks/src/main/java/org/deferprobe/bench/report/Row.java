package org.deferprobe.bench.report;

import java.util.Map;

/**
 * One line of the report: a benchmark, its parameters other than the engine, the engine (or "floor"), the
 * figure the table shows, and the ratios to global-lock and to the floor for the same parameters.
 *
 * @param benchmark      simple name, e.g. TriggerLatency
 * @param config         the parameters except engine, "k=v" sorted, comma-separated (threads included)
 * @param engine         engine name or "floor"
 * @param figure         the headline number (NaN if the run failed)
 * @param unit           its unit, e.g. "us p99"
 * @param higherIsBetter true for throughputs
 * @param secondary      metric name to value (probes per device, B/op, lower bound ...), for the extra column
 * @param vsGlobalLock   figure / global-lock's figure, NaN if there is none
 * @param vsFloor        figure / floor's figure, NaN if there is none
 */
public record Row(String benchmark, String config, String engine, double figure, String unit, boolean higherIsBetter,
                  Map<String, Double> secondary, double vsGlobalLock, double vsFloor) {

    public Row withRatios(double toGlobalLock, double toFloor) {
        return new Row(benchmark, config, engine, figure, unit, higherIsBetter, secondary, toGlobalLock, toFloor);
    }

    public double secondary(String metric) {
        return secondary.getOrDefault(metric, Double.NaN);
    }
}
