package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The targets, judged from the rows of one run: each line says met, missed (by how much) or not
 * measured (the engine is not in this build, or its run failed). Measured, not unit-tested.
 */
public final class Targets {
    private Targets() {
    }

    public static List<String> evaluate(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : find(rows, "TriggerLatency", "lock-free", c -> c.contains("registrants=64"))) {
            out.add(judge("lock-free p99 trigger latency with 64 registrants <= 0.1x global-lock's (" + r.config() + ")",
                    r.vsGlobalLock(), 0.1, "x global-lock"));
        }
        for (Row r : find(rows, "TriggerLatency", "indexed", c -> true)) {
            out.add(judge("indexed p99 trigger latency <= 3x the floor (" + r.config() + ")", r.vsFloor(), 3.0, "x floor"));
        }
        for (Row r : find(rows, "DeferredThroughput", null, c -> true)) {
            out.add(judgeAtLeast(r.engine() + " deferred-pass throughput >= 0.5x the floor's (" + r.config() + ")",
                    r.vsFloor(), 0.5));
        }
        for (String e : List.of("lock-free", "indexed")) {
            for (Row r : find(rows, "Boot", e, c -> c.contains("async=1.0"))) {
                out.add(judge(e + " boot makespan <= 1.2x the lower bound (" + r.config() + ")",
                        r.secondary("makespan_per_bound"), 1.2, "x lower bound"));
            }
        }
        for (Row r : find(rows, "RegistrationStorm", "indexed", c -> true)) {
            out.add(judge("indexed <= 2 probe calls per device in the storm (" + r.config() + ")",
                    r.secondary("probes_per_device"), 2.0, " probes/device"));
        }
        for (Row r : find(rows, "TriggerStorm", "lock-free", c -> true)) {
            double b = r.secondary("alloc_B_per_op");
            out.add(Double.isNaN(b) ? "NOT MEASURED lock-free trigger() allocation (" + r.config() + "): run with -prof gc"
                    : (b < 0.01 ? "MET    " : "MISSED ") + "lock-free trigger() allocates nothing (" + r.config() + "): "
                    + String.format(Locale.ROOT, "%.3f", b) + " B/op");
        }
        for (String e : List.of("lock-free", "indexed")) {
            if (rows.stream().noneMatch(r -> r.engine().equals(e))) {
                out.add("NOT MEASURED the " + e + " targets: no engine '" + e + "' in this build's EngineType.real()");
            }
        }
        return out;
    }

    private static List<Row> find(List<Row> rows, String bench, String engine, Predicate<String> config) {
        return rows.stream().filter(r -> r.benchmark().equals(bench) && (engine == null
                ? !r.engine().equals("floor") : r.engine().equals(engine)) && config.test(r.config())).toList();
    }

    private static String judge(String what, double value, double limit, String unit) {
        if (Double.isNaN(value)) {
            return "NOT MEASURED " + what + ": the run or its reference failed";
        }
        String v = String.format(Locale.ROOT, "%.2f%s", value, unit);
        return value <= limit ? "MET    " + what + ": " + v
                : "MISSED " + what + ": " + v + ", " + String.format(Locale.ROOT, "%.1fx", value / limit) + " over the target";
    }

    private static String judgeAtLeast(String what, double value, double limit) {
        if (Double.isNaN(value)) {
            return "NOT MEASURED " + what + ": the run or its reference failed";
        }
        String v = String.format(Locale.ROOT, "%.2fx floor", value);
        return value >= limit ? "MET    " + what + ": " + v
                : "MISSED " + what + ": " + v + ", " + String.format(Locale.ROOT, "%.1fx", limit / value) + " short of the target";
    }
}
