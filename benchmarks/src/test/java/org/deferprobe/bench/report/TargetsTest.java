package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deferprobe.bench.report.Targets.Judgement;
import org.deferprobe.bench.report.Targets.Verdict;
import org.junit.jupiter.api.Test;

/** The verdict logic on made-up intervals: MET and MISSED only when the whole interval clears the threshold. */
class TargetsTest {
    /** An estimate whose 2.5% and 97.5% quantiles are lo and hi (replicates spread evenly between). */
    static Estimate between(double point, double lo, double hi) {
        int n = Bootstrap.REPLICATES;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = lo + (hi - lo) * ((double) i / (n - 1) - 0.025) / 0.95;
        }
        return new Estimate(point, r, null);
    }

    static Judgement atMost(Estimate e, double t) {
        return Targets.judge("t", e, t, true, "x", List.of(), 3);
    }

    @Test
    void theEstimateHelperHasTheIntendedInterval() {
        Estimate e = between(1, 0.8, 1.3);
        assertEquals(0.8, e.lo(), 1e-3);
        assertEquals(1.3, e.hi(), 1e-3);
    }

    @Test
    void atMostTargets() {
        assertEquals(Verdict.MET, atMost(between(1.0, 0.8, 1.3), 3).verdict());
        assertEquals(Verdict.MISSED, atMost(between(5.0, 4.0, 6.0), 3).verdict());
        assertEquals(Verdict.INCONCLUSIVE, atMost(between(2.5, 1.9, 3.6), 3).verdict(), "straddles 3");
        assertEquals(Verdict.INCONCLUSIVE, atMost(between(3.2, 2.9, 3.6), 3).verdict(), "the point above is not enough");
        assertEquals(Verdict.MET, atMost(between(2.5, 1.9, 3.0), 3).verdict(), "an upper end on the threshold meets it");
        Judgement j = atMost(between(2.5, 1.9, 3.6), 3);
        assertTrue(j.line().startsWith("INCONCLUSIVE ") && j.line().contains("straddles 3"), j.line());
        Judgement m = atMost(between(5.0, 4.0, 6.0), 2.5);
        assertTrue(m.line().startsWith("MISSED ") && m.line().contains("2.0x over the target"), m.line());
    }

    @Test
    void atLeastTargets() {
        assertEquals(Verdict.MET, Targets.judge("t", between(0.7, 0.6, 0.8), 0.5, false, "x", List.of(), 3).verdict());
        assertEquals(Verdict.MISSED, Targets.judge("t", between(0.1, 0.05, 0.2), 0.5, false, "x", List.of(), 3).verdict());
        assertEquals(Verdict.INCONCLUSIVE, Targets.judge("t", between(0.45, 0.3, 0.6), 0.5, false, "x", List.of(), 3).verdict());
        assertTrue(Targets.judge("t", between(0.1, 0.05, 0.2), 0.5, false, "x", List.of(), 3).line().contains("5.0x short of"));
    }

    @Test
    void fewerThanThreeForksIsNeverAVerdict() {
        Judgement j = Targets.judge("t", between(1, 0.9, 1.1), 3, true, "x", List.of(), 2);
        assertEquals(Verdict.INCONCLUSIVE, j.verdict());
        assertTrue(j.line().contains("only 2 forks"), j.line());
    }

    @Test
    void aMissingFigureOrAFailedRunIsAnErrorLineNeverAVerdict() {
        Judgement missing = Targets.judge("indexed p99", Estimate.missing("no latency histogram in 1 of 3 forks"), 3, true, "x",
                List.of(), 3);
        assertEquals(Verdict.ERROR, missing.verdict());
        assertTrue(missing.line().startsWith("ERROR ") && missing.line().contains("no latency histogram"), missing.line());
        Judgement failed = Targets.judge("t", between(1, 0.9, 1.1), 3, true, "x", List.of("fork 2 failed: boom"), 3);
        assertEquals(Verdict.ERROR, failed.verdict());
        assertTrue(failed.line().contains("fork 2 failed: boom"), failed.line());
        double[] mostlyUndefined = new double[Bootstrap.REPLICATES];
        Arrays.fill(mostlyUndefined, Double.NaN);
        mostlyUndefined[0] = 1;
        Judgement undefined = Targets.judge("t", new Estimate(1, mostlyUndefined, null), 3, true, "x", List.of(), 3);
        assertEquals(Verdict.ERROR, undefined.verdict(), undefined.line());
    }

    static Row row(String bench, String config, String engine, Estimate figure, Map<String, Estimate> sec) {
        return new Row(bench, config, engine, "u", false, figure, Estimate.missing("-"), Estimate.missing("-"), sec, 3,
                new ArrayList<>());
    }

    @Test
    void theTargetsAreJudgedFromTheRowsRatiosAndSecondaries() {
        String cfg = "churnTotal=3200,deferred=1000,publishPerSecond=250,registrants=64";
        List<Row> rows = new ArrayList<>();
        rows.add(row("TriggerLatency", cfg, "floor", between(100, 90, 110), Map.of()));
        rows.add(row("TriggerLatency", cfg, "global-lock", between(1000, 900, 1100), Map.of()));
        rows.add(row("TriggerLatency", cfg, "lock-free", between(800, 700, 900), Map.of()));
        rows.add(row("TriggerLatency", cfg, "indexed", between(150, 140, 160), Map.of()));
        rows.add(row("RegistrationStorm", "devices=10000,registrants=1", "indexed", between(100, 90, 110),
                Map.of("probes_per_device", between(1.91, 1.90, 1.92))));
        List<Judgement> js = Targets.judgements(Table.withRatios(rows));
        Map<String, Verdict> byTarget = new java.util.HashMap<>();
        js.forEach(j -> byTarget.put(j.target().replaceAll(" \\(.*", ""), j.verdict()));
        assertEquals(Verdict.MISSED, byTarget.get("lock-free p99 trigger latency with 64 registrants <= 0.1x global-lock's"));
        assertEquals(Verdict.MET, byTarget.get("indexed p99 trigger latency <= 3x the floor's"));
        assertEquals(Verdict.MET, byTarget.get("indexed <= 2 probe calls per device in the storm"));
        assertTrue(js.stream().anyMatch(j -> j.verdict() == Verdict.NOT_MEASURED && j.line().contains("Boot")),
                "a target with no run says so");
    }

    @Test
    void aRatioOfTwoEnginesAtTheMachinesOwnStallLevelIsInconclusive() {
        String cfg = "registrants=64";
        List<Row> resolved = new ArrayList<>();
        resolved.add(row("TriggerLatency", cfg, "floor", between(100, 80, 120), Map.of()));
        resolved.add(row("TriggerLatency", cfg, "global-lock", between(1000, 900, 1100), Map.of()));
        resolved.add(row("TriggerLatency", cfg, "lock-free", between(800, 700, 900), Map.of()));
        Judgement ok = Targets.judgements(Table.withRatios(resolved)).get(0);
        assertEquals(Verdict.MISSED, ok.verdict(), ok.line());
        // the same ratio, but global-lock's p99 reaches down to the floor's: both are mostly the machine's stalls
        List<Row> stalled = new ArrayList<>();
        stalled.add(row("TriggerLatency", cfg, "floor", between(5000, 300, 40000), Map.of()));
        stalled.add(row("TriggerLatency", cfg, "global-lock", between(1000, 900, 1100), Map.of()));
        stalled.add(row("TriggerLatency", cfg, "lock-free", between(800, 700, 900), Map.of()));
        Judgement j = Targets.judgements(Table.withRatios(stalled)).get(0);
        assertEquals(Verdict.INCONCLUSIVE, j.verdict(), j.line());
        assertTrue(j.line().contains("reaches the floor's own [300, 40000]") && j.line().contains("machine's stalls"), j.line());
    }

    @Test
    void theDeferredPassTargetIsJudgedAtTenThousandDevices() {
        List<Row> rows = new ArrayList<>();
        for (String n : List.of("1000", "10000")) {
            String cfg = "deferred=" + n + ",pass=none";
            rows.add(row("DeferredThroughput", cfg, "floor", between(2e7, 1.8e7, 2.2e7), Map.of()));
            rows.add(row("DeferredThroughput", cfg, "kernel", between(2e6, 1.8e6, 2.2e6), Map.of()));
        }
        List<Judgement> js = Targets.judgements(Table.withRatios(rows)).stream()
                .filter(j -> j.target().contains("re-probe throughput")).toList();
        assertEquals(1, js.size(), js.toString());
        assertTrue(js.get(0).target().contains("deferred=10000"), js.get(0).line());
        assertEquals(Verdict.MISSED, js.get(0).verdict());
    }

    @Test
    void aTargetWhoseReferenceRowFailedIsAnError() {
        String cfg = "registrants=64";
        List<Row> rows = new ArrayList<>();
        Row floor = new Row("TriggerLatency", cfg, "floor", "u", false, Estimate.missing("no latency histogram"),
                Estimate.missing("-"), Estimate.missing("-"), Map.of(), 3, List.of("no latency histogram"));
        rows.add(floor);
        rows.add(row("TriggerLatency", cfg, "indexed", between(150, 140, 160), Map.of()));
        List<Judgement> js = Targets.judgements(Table.withRatios(rows));
        Judgement indexed = js.stream().filter(j -> j.target().startsWith("indexed p99")).findFirst().orElseThrow();
        assertEquals(Verdict.ERROR, indexed.verdict());
        assertTrue(indexed.line().contains("floor: no latency histogram"), indexed.line());
    }
}
