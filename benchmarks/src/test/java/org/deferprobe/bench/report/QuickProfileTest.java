package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.SlowProbesProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Param;

/** The quick profile's plan, schedule and options, without running JMH. */
class QuickProfileTest {
    @Test
    void byDefaultThreeForksAndNoTestFlaw() {
        QuickProfile.Options o = QuickProfile.parse(new String[0]);
        assertEquals(3, o.forks());
        assertNull(o.testFlaw(), "the test flaw is never on unless asked for");
    }

    @Test
    void theTestFlawIsValidatedAndAHostPropertyIsRefused() throws Throwable {
        assertEquals("lock-free:300", QuickProfile.parse(new String[] {"--test-flaw-slow-probes", "lock-free:300"}).testFlaw());
        assertThrows(IllegalArgumentException.class, () -> QuickProfile.parse(new String[] {"--test-flaw-slow-probes", "floor:300"}));
        assertThrows(IllegalArgumentException.class, () -> QuickProfile.parse(new String[] {"--test-flaw-slow-probes", "kernel"}));
        assertThrows(IllegalArgumentException.class, () -> QuickProfile.parse(new String[] {"--forks", "0"}));
        assertThrows(IllegalArgumentException.class, () -> QuickProfile.parse(new String[] {"--bogus"}));
        SlowProbesProperty.restoredAfter(() -> {
            System.setProperty(Engines.SLOW_PROBES_PROPERTY, "kernel:300");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuickProfile.parse(new String[0]));
            assertTrue(e.getMessage().contains("--test-flaw-slow-probes"), e.getMessage());
        });
    }

    @Test
    void everyPlanSpellsOutEveryParameterOfItsBenchmark() throws Exception {
        for (ForkRunner.Plan p : QuickProfile.plans()) {
            Class<?> c = Class.forName("org.deferprobe.bench." + p.benchmark());
            Set<String> declared = Arrays.stream(c.getFields()).filter(f -> f.isAnnotationPresent(Param.class))
                    .map(java.lang.reflect.Field::getName).filter(n -> !n.equals("engine")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(declared, new TreeSet<>(p.params().keySet()), p.benchmark() + ": a default would make the series key "
                    + "depend on the annotation");
        }
    }

    @Test
    void theRegistrantCountsShareOneTotalChurn() {
        List<ForkRunner.Plan> tl = QuickProfile.plans().stream().filter(p -> p.benchmark().equals("TriggerLatency")).toList();
        assertEquals(List.of("0", "64", "1024"), tl.stream().map(p -> p.params().get("registrants")).toList());
        assertEquals(1, tl.stream().map(p -> p.params().get("churnTotal")).distinct().count());
    }

    @Test
    void forksAreInterleavedRoundByRoundWithTheEnginesOfAPlanBackToBack() {
        List<ForkRunner.Plan> plans = QuickProfile.plans().subList(0, 2);
        List<String> engines = List.of("floor", "global-lock", "kernel");
        List<ForkRunner.Task> tasks = ForkRunner.schedule(plans, engines, 3);
        assertEquals(18, tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            ForkRunner.Task t = tasks.get(i);
            assertEquals(1 + i / 6, t.round(), "fork 1 of every engine first, then fork 2 ...");
            assertEquals(plans.get((i / 3) % 2), t.plan());
            assertEquals(engines.get(i % 3), t.engine());
        }
    }

    @Test
    void theReportFolderIsClearedOnlyOfWhatTheBenchmarksWrote(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("r");
        Files.createDirectories(dir.resolve("forks/1"));
        Files.writeString(dir.resolve("forks/1/secondary.tsv"), "x");
        Files.writeString(dir.resolve("results.json"), "{}");
        Files.writeString(dir.resolve("TriggerLatency-x-latency.hgrm"), "x");
        QuickProfile.prepare(dir);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        Files.createDirectories(dir.resolve("saturation"));
        Files.writeString(dir.resolve("saturation/results.json"), "{}");
        QuickProfile.prepare(dir);
        assertTrue(Files.exists(dir.resolve("saturation/results.json")), "the churn sweep's folder is kept");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuickProfile.prepare(dir));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("notes.txt")));
    }
}
