package org.deferprobe.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineEvents.Outcome;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioLoader;
import org.deferprobe.workload.ScenarioRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A recorded run read back: attempts, binds, publications, dependency arrows, the critical path, the trace. */
class TimelineTest {
    /** c needs b's resource, b needs a's; drivers registered c, b, a: c and b defer and are retried by passes. */
    static final Scenario CHAIN = ScenarioLoader.parse("""
            {"format": 1, "name": "chain",
             "drivers": [{"name": "c"}, {"name": "b"}, {"name": "a", "probeMicros": 2000}],
             "devices": [{"name": "a"}, {"name": "b", "requires": ["a"]}, {"name": "c", "requires": ["b"]}],
             "steps": [{"op": "register-devices"}, {"op": "register-drivers", "names": ["c", "b", "a"]},
                       {"op": "quiesce"}]}""", "chain.json");

    /** seed 001 in small: the provider publishes 100 ms after its probe returned. */
    static final Scenario LATE = ScenarioLoader.parse("""
            {"format": 1, "name": "late",
             "drivers": [{"name": "machine"}, {"name": "dsp", "publishDelayMicros": 100000}],
             "devices": [{"name": "card", "compatible": ["machine"], "requires": ["component"]},
                         {"name": "dsp.0", "compatible": ["dsp"], "provides": ["component"]}]}""", "late.json");

    record Run(RunResult result, Timeline timeline) {
    }

    static Run run(Scenario s, EngineType type) {
        RunRecorder rec = new RunRecorder();
        RunResult r = new ScenarioRunner(s).run(type, EngineConfig.defaults().withEvents(rec), Duration.ofSeconds(20));
        return new Run(r, Timeline.of(s, FwDevlink.ON, rec.recording()));
    }

    static TraceCheck.Result traceOf(Run run) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChromeTrace t = new ChromeTrace(out, Map.of())) {
            t.add(run.result().engine(), run.timeline());
        }
        return TraceCheck.check(new ByteArrayInputStream(out.toByteArray()));
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"GLOBAL_LOCK", "KERNEL", "LOCK_FREE", "INDEXED"})
    void theCriticalPathOfAChainEndsWithItsLinksInOrder(EngineType type) throws IOException {
        Run run = run(CHAIN, type);
        assertEquals(List.of("a", "b", "c"), run.result().bound(), run.result()::toString);
        Timeline t = run.timeline();
        assertTrue(t.attemptsOf("c").stream().anyMatch(a -> a.outcome() == Outcome.DEFERRED), "c deferred first");
        assertFalse(t.passes().isEmpty(), "the retries ran in deferred passes");
        List<Timeline.PathStep> path = t.criticalPath();
        // the binds in dependency order; between them, the retries of the passes that ran first (deferred again)
        List<String> binds = path.stream().filter(s -> s.attempt().outcome() == Outcome.BOUND)
                .map(s -> s.attempt().device()).toList();
        assertEquals(List.of("a", "b", "c"), binds, path::toString);
        assertEquals("c", path.get(path.size() - 1).attempt().device());
        assertEquals("b", path.get(path.size() - 2).attempt().device(), "c's bind waited for b's, last");
        assertEquals("c", t.lastBind().device());
        Timeline.PathStep a = path.stream().filter(s -> s.attempt().device().equals("a")).findFirst().orElseThrow();
        // a's driver was registered last, by the steps thread, after b's deferred probe on that thread
        assertEquals(Timeline.EnablerKind.DRIVER_REGISTERED, a.because().kind(), path::toString);
        assertEquals("b", path.get(path.indexOf(a) - 1).attempt().device());
        assertEquals(Outcome.DEFERRED, path.get(path.indexOf(a) - 1).attempt().outcome());
        assertEquals(List.of("a -> b", "b -> c"), t.flows().stream().map(Timeline.Flow::label).sorted().toList());
        TraceCheck.Result check = traceOf(run);
        assertEquals(List.of(), check.problems());
        assertEquals(2, check.flows());
        assertEquals(t.attempts().size() + t.passes().size(), check.slices());
    }

    @Test
    void aLatePublicationHasItsOwnSliceAndArrowAndIsOnTheCriticalPath() throws IOException {
        Run run = run(LATE, EngineType.LOCK_FREE);
        assertEquals(List.of("card", "dsp.0"), run.result().bound(), run.result()::toString);
        Timeline t = run.timeline();
        Timeline.Publication pub = t.publicationsOf("component").get(0);
        assertTrue(pub.late(), "published by the executor after the probe returned");
        assertEquals(1, t.flows().size());
        assertNotNull(t.flows().get(0).fromLate());
        List<Timeline.PathStep> path = t.criticalPath();
        Timeline.PathStep last = path.get(path.size() - 1);
        assertEquals("card", last.attempt().device());
        assertEquals("dsp.0", path.get(path.size() - 2).attempt().device(), "the late publisher's bind before it");
        TraceCheck.Result check = traceOf(run);
        assertEquals(List.of(), check.problems());
        assertEquals(t.attempts().size() + t.passes().size() + 1, check.slices(), "one slice for the late publication");
    }

    @Test
    void onTheKernelTheLatePublicationIsSeenAndTheConsumerNeverBindsAfterIt() {
        Run run = run(LATE, EngineType.KERNEL); // B2
        assertEquals(List.of("card"), List.copyOf(run.result().deferred().keySet()));
        long published = run.timeline().publicationsOf("component").get(0).time();
        assertTrue(run.timeline().lastDeferral("card") < published);
        assertTrue(run.timeline().attemptsOf("card").stream().allMatch(a -> a.start() < published));
    }

    /**
     * The recorder's lanes under concurrency: writers append past several chunks while a reader reads again and
     * again; every read sees, per lane, a gap-free prefix in the writer's order.
     */
    @Test
    void concurrentReadsSeeEachLaneAsAGapFreePrefix() throws Exception {
        RunRecorder rec = new RunRecorder();
        int threads = 4;
        int perThread = 3_000; // about six chunks each
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    rec.probeStarted("w" + id + "-" + i, "drv");
                    rec.probeEnded("w" + id + "-" + i, "drv", Outcome.BOUND, null);
                }
            }, "writer-" + w);
            writers.add(t);
            t.start();
        }
        List<String> problems = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && problems.isEmpty()) {
                for (Recording.Lane lane : rec.recording().lanes()) {
                    List<Recording.Event> ev = lane.events();
                    for (int i = 0; i < ev.size(); i++) {
                        String expected = lane.thread().replace("writer-", "w") + "-" + i;
                        if (ev.get(i) == null || !expected.equals(ev.get(i).device())) {
                            problems.add(lane.thread() + " slot " + i + ": " + ev.get(i));
                            break;
                        }
                    }
                }
            }
        }, "reader");
        reader.start();
        start.countDown();
        for (Thread t : writers) {
            t.join();
        }
        done.set(true);
        reader.join();
        assertEquals(List.of(), problems);
        Recording r = rec.recording();
        assertEquals(threads, r.lanes().size());
        r.lanes().forEach(l -> assertEquals(perThread, l.events().size()));
    }
}
