package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare on made-up runs: same machine twice is "~", a slowed engine is flagged, bad input is one line and 2. */
class CompareTest {
    static final Map<String, String> P1000 = Synthetic.params("deferred", "1000", "pass", "none");

    /** A run of five engines' DeferredThroughput plus a latency series; kernel is {@code kernelFactor} slower. */
    static Results run(long seed, double kernelFactor, String flaw) {
        List<Series> series = new ArrayList<>();
        String[] engines = {"floor", "global-lock", "kernel", "lock-free", "indexed"};
        double[] us = {40, 160, 170, 180, 300};
        for (int i = 0; i < engines.length; i++) {
            double f = engines[i].equals("kernel") ? kernelFactor : 1;
            series.add(Synthetic.primary("DeferredThroughput", engines[i], P1000, "us/op", us[i] * f, 0.03, 3, 20, seed * 31 + i));
        }
        Map<String, String> lp = Synthetic.params("registrants", "0");
        series.add(Synthetic.latency("floor", lp, 20_000, 3, 4, 400, seed * 7 + 1));
        series.add(Synthetic.latency("kernel", lp, 150_000 * kernelFactor, 3, 4, 400, seed * 7 + 2));
        return new Results(List.of("date: 2026-11-21T12:00:00Z", "cores (availableProcessors): 2", "JDK: test"), flaw, 3, series);
    }

    record Outcome(int status, String out, String err) {
    }

    static Outcome compare(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Compare.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, String name, Results r) throws Exception {
        Path d = dir.resolve(name);
        r.write(d.resolve(Results.FILE));
        return d;
    }

    @Test
    void twoRunsOfTheSameMachineShowNoSignificantChange(@TempDir Path tmp) throws Exception {
        Path a = write(tmp, "a", run(1, 1.0, null));
        Path b = write(tmp, "b", run(2, 1.0, null));
        Outcome o = compare(a.toString(), b.toString(), "--fail-on-regression", "10");
        assertEquals(0, o.status(), o.out() + o.err());
        long rows = o.out().lines().filter(l -> l.startsWith("| DeferredThroughput") || l.startsWith("| TriggerLatency")).count();
        long same = o.out().lines().filter(l -> l.matches("\\| (DeferredThroughput|TriggerLatency) .*\\| +~ \\[.*")).count();
        assertEquals(7, rows, o.out());
        assertTrue(same >= 6, "most rows are ~:\n" + o.out());
        assertTrue(o.out().contains("no regression beyond 10% with 95% confidence"), o.out());
    }

    @Test
    void aSlowedEngineIsFlaggedAndFailsTheGate(@TempDir Path tmp) throws Exception {
        Path a = write(tmp, "a", run(1, 1.0, null));
        Path b = write(tmp, "b", run(2, 1.3, "kernel:300"));
        Outcome o = compare(a.toString(), b.toString(), "--fail-on-regression", "10");
        assertEquals(1, o.status(), o.out());
        String kernelRow = o.out().lines().filter(l -> l.startsWith("| DeferredThroughput") && l.contains("| kernel "))
                .findFirst().orElseThrow();
        assertTrue(kernelRow.contains("worse") && kernelRow.contains("-2"), kernelRow); // about -23% throughput
        assertTrue(o.out().contains("WARNING: new was run with a TEST FLAW (kernel:300)"), o.out());
        assertTrue(o.out().contains("FAIL: "), o.out());
        Outcome lenient = compare(a.toString(), b.toString(), "--fail-on-regression", "60");
        assertEquals(0, lenient.status(), lenient.out());
        // about -23% throughput, sure of at least ~-15%: a 20% gate is not passed with confidence
        Outcome near = compare(a.toString(), b.toString(), "--fail-on-regression", "20");
        assertEquals(0, near.status(), "the gate needs the whole interval beyond PCT:\n" + near.out());
        Outcome noGate = compare(a.toString(), b.toString());
        assertEquals(0, noGate.status(), "without --fail-on-regression compare only reports");
    }

    @Test
    void aFasterEngineIsBetterNotARegression(@TempDir Path tmp) throws Exception {
        Path a = write(tmp, "a", run(1, 1.3, null));
        Path b = write(tmp, "b", run(2, 1.0, null));
        Outcome o = compare(a.toString(), b.toString(), "--fail-on-regression", "5");
        assertEquals(0, o.status(), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.contains("| kernel ") && l.contains("better")), o.out());
    }

    @Test
    void aResultsFileWorksAsWellAsItsDirectory(@TempDir Path tmp) throws Exception {
        Path a = write(tmp, "a", run(1, 1.0, null));
        Path b = write(tmp, "b", run(2, 1.0, null));
        Outcome o = compare(a.resolve(Results.FILE).toString(), b.toString());
        assertEquals(0, o.status(), o.err());
    }

    @Test
    void badInputIsOneLineAndStatusTwo(@TempDir Path tmp) throws Exception {
        Path a = write(tmp, "a", run(1, 1.0, null));
        Path notJson = Files.writeString(tmp.resolve("x.json"), "{ not json");
        Path jmh = Files.writeString(tmp.resolve("jmh.json"), "[ {\"benchmark\": \"x\"} ]");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Results other = new Results(List.of(), null, 3, List.of(Synthetic.primary("Boot", "kernel",
                Synthetic.params("async", "1"), "ms/op", 50, 0.01, 3, 4, 1)));
        Path disjoint = write(tmp, "d", other);
        for (String[] args : List.of(new String[] {a.toString(), tmp.resolve("missing").toString()},
                new String[] {a.toString(), notJson.toString()}, new String[] {a.toString(), jmh.toString()},
                new String[] {a.toString(), empty.toString()}, new String[] {a.toString(), disjoint.toString()},
                new String[] {a.toString()}, new String[] {a.toString(), a.toString(), "--fail-on-regression", "x"},
                new String[] {a.toString(), a.toString(), "--bogus"})) {
            Outcome o = compare(args);
            assertEquals(2, o.status(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().lines().count(), "one line: " + o.err());
            assertTrue(o.err().startsWith("compare: "), o.err());
            assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), "no stack trace: " + o.err());
            assertTrue(o.out().isEmpty(), o.out());
        }
        assertTrue(compare(a.toString(), tmp.resolve("missing").toString()).err().contains("missing"));
        assertTrue(compare(a.toString(), notJson.toString()).err().contains("x.json: not a results file"));
        assertTrue(compare(a.toString(), disjoint.toString()).err().contains("no row in common"));
    }

    @Test
    void resultsSurviveTheRoundTripThroughJson(@TempDir Path tmp) throws Exception {
        Results r = run(3, 1.0, "kernel:300");
        Path f = tmp.resolve("r.json");
        r.write(f);
        Results back = Results.read(f);
        assertEquals(r.environment(), back.environment());
        assertEquals("kernel:300", back.testFlaw());
        assertEquals(r.series().size(), back.series().size());
        for (int i = 0; i < r.series().size(); i++) {
            Series x = r.series().get(i);
            Series y = back.series().get(i);
            assertEquals(x.key(), y.key());
            for (int k = 0; k < x.forks().size(); k++) {
                Series.Fork fx = x.forks().get(k);
                Series.Fork fy = y.forks().get(k);
                assertEquals(fx.iterations().keySet(), fy.iterations().keySet());
                fx.iterations().forEach((m, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v, fy.iterations().get(m)));
                fx.histograms().forEach((m, hs) -> {
                    for (int h = 0; h < hs.size(); h++) {
                        assertEquals(hs.get(h), fy.histograms().get(m).get(h));
                    }
                });
            }
        }
        // and the same file judged twice gives the same table
        assertEquals(Table.format(Table.rows(r.series(), new Bootstrap("table"))),
                Table.format(Table.rows(back.series(), new Bootstrap("table"))));
    }
}
