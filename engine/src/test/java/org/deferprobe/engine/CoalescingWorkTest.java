package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coalescing work item's contract, with the cases ported from Kubernetes client-go's workqueue tests
 * (queue_test.go: TestAddWhileProcessing, TestReinsert, TestAddAfterShutdown, TestShutDownWithDrain...) and
 * from Linux's queue_work semantics (queue while pending is a no-op; queue while running re-queues once).
 * The item has a single key, so "an item" is the work item itself.
 */
@Timeout(20)
class CoalescingWorkTest {
    private final ManualExecutor manual = new ManualExecutor();
    private final WorkTracker tracker = new WorkTracker();
    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger runs = new AtomicInteger();
    private ExecutorService pool;

    @AfterEach
    void stop() {
        manual.shutdownNow();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private CoalescingWork manualWork(Runnable body) {
        return new CoalescingWork(() -> {
            runs.incrementAndGet();
            body.run();
        }, manual, tracker, errors::add);
    }

    // client-go: "an item added twice is queued once"; Linux: queue_work while pending returns false
    @Test
    void addedTwiceWhileQueuedIsQueuedOnce() {
        CoalescingWork w = manualWork(() -> { });
        assertTrue(w.schedule());
        assertFalse(w.schedule());
        assertFalse(w.schedule());
        assertEquals(CoalescingWork.QUEUED, w.state());
        assertEquals(1, manual.queued());
        assertEquals(1, tracker.outstanding());
        manual.runAll();
        assertEquals(1, runs.get());
        assertEquals(CoalescingWork.IDLE, w.state());
        assertEquals(0, tracker.outstanding());
    }

    // client-go TestAddWhileProcessing: added again while processing, processed once more after Done;
    // Linux: queue_work on a running (not pending) work queues it once more
    @Test
    void addedWhileRunningRunsExactlyOnceMore() {
        AtomicInteger firstRunResults = new AtomicInteger();
        CoalescingWork[] self = new CoalescingWork[1];
        self[0] = manualWork(() -> {
            if (runs.get() == 1) {
                assertEquals(CoalescingWork.RUNNING, self[0].state());
                if (self[0].schedule()) {
                    firstRunResults.incrementAndGet();
                }
                assertEquals(CoalescingWork.RUNNING_DIRTY, self[0].state());
                assertFalse(self[0].schedule(), "a second request while dirty coalesces");
                assertFalse(self[0].schedule());
            }
        });
        assertTrue(self[0].schedule());
        manual.runAll();
        assertEquals(1, firstRunResults.get(), "the first request while running re-queues");
        assertEquals(2, runs.get(), "ran once more, not three times");
        assertEquals(CoalescingWork.IDLE, self[0].state());
        assertEquals(0, manual.queued(), "the extra run happens in place, not as a second task");
        assertEquals(0, tracker.outstanding());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    // client-go TestReinsert: after Done, an add queues anew
    @Test
    void addAfterIdleQueuesAgain() {
        CoalescingWork w = manualWork(() -> { });
        assertTrue(w.schedule());
        manual.runAll();
        assertTrue(w.schedule());
        assertEquals(1, manual.queued());
        manual.runAll();
        assertEquals(2, runs.get());
    }

    // client-go TestAddAfterShutdown: nothing is accepted after shutdown
    @Test
    void nothingIsAcceptedAfterShutdown() throws InterruptedException {
        CoalescingWork w = manualWork(() -> { });
        assertTrue(w.shutdown(false, Duration.ZERO));
        assertFalse(w.schedule());
        assertEquals(0, manual.queued());
        assertEquals(CoalescingWork.IDLE, w.state());
        assertEquals(0, tracker.outstanding());
    }

    // client-go TestShutDownWithDrain: shutdown with drain waits for in-flight work, including a re-run
    // requested before the shutdown; requests after the shutdown are refused
    @Test
    void shutdownWithDrainWaitsForInFlightWork() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        CountDownLatch inBody = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CoalescingWork w = new CoalescingWork(() -> {
            int n = runs.incrementAndGet();
            if (n == 1) {
                inBody.countDown();
                await(release);
            }
            events.add("run " + n + " ended");
        }, pool, tracker, errors::add);
        assertTrue(w.schedule());
        assertTrue(inBody.await(10, TimeUnit.SECONDS));
        assertTrue(w.schedule(), "dirty while running");
        Future<Boolean> drained = pool.submit(() -> {
            boolean idle = w.shutdown(true, Duration.ofSeconds(10));
            events.add("drained");
            return idle;
        });
        while (!w.isShutdown()) {
            Thread.onSpinWait(); // wait until the shutdown began: it must then wait for both runs
        }
        assertFalse(w.schedule(), "refused after shutdown");
        release.countDown();
        assertTrue(drained.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("run 1 ended", "run 2 ended", "drained"), events);
        assertEquals(CoalescingWork.IDLE, w.state());
        assertEquals(0, tracker.outstanding());
    }

    // Agrona's AgentRunner habit: a throwing body is reported and the item survives it, re-run included
    @Test
    void aThrowingBodyIsReportedAndTheItemSurvives() {
        CoalescingWork[] self = new CoalescingWork[1];
        self[0] = manualWork(() -> {
            if (runs.get() == 1) {
                self[0].schedule();
                throw new IllegalStateException("boom");
            }
        });
        self[0].schedule();
        manual.runAll();
        assertEquals(2, runs.get(), "the re-run requested before the throw still happens");
        assertEquals(1, errors.size());
        assertEquals(CoalescingWork.IDLE, self[0].state());
        assertTrue(self[0].schedule());
    }

    @Test
    void aRefusingExecutorLeavesItIdleAndUntracked() {
        manual.shutdown();
        CoalescingWork w = manualWork(() -> { });
        assertTrue(w.schedule());
        assertEquals(CoalescingWork.IDLE, w.state());
        assertEquals(0, tracker.outstanding());
    }

    // No request is ever lost: every request is followed by a run that starts after it. Each requester
    // bumps a counter before its request; the last run must have seen the final value.
    @Test
    void noRequestIsLostUnderConcurrency() throws Exception {
        pool = Executors.newFixedThreadPool(4);
        AtomicLong requested = new AtomicLong();
        AtomicLong lastSeen = new AtomicLong();
        CoalescingWork w = new CoalescingWork(() -> lastSeen.set(requested.get()), pool, tracker, errors::add);
        int threads = 3;
        int each = 20_000;
        ExecutorService requesters = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(requesters.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        requested.incrementAndGet();
                        w.schedule();
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            requesters.shutdownNow();
        }
        assertTrue(tracker.await(Duration.ofSeconds(10)));
        assertEquals((long) threads * each, lastSeen.get());
        assertEquals(CoalescingWork.IDLE, w.state());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    /**
     * M13 (issue 9, bug 3): a request is counted before it can be coalesced into. An untracked request (an
     * explicit trigger from outside) is paused inside the tracker's begin(); a request from tracked work (a
     * probe that binds and triggers) then arrives and ends its own work. Had the first request moved the item
     * to QUEUED before counting it, the second would coalesce into an uncounted run and quiescence would be
     * reported while the run it needs was never submitted. Forced interleaving, no sleeps.
     */
    @Test
    void aRequestIsCountedBeforeAnotherCanCoalesceIntoIt() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        PausingTracker counted = new PausingTracker(paused, resume);
        CoalescingWork w = new CoalescingWork(runs::incrementAndGet, manual, counted, errors::add);
        Thread outside = new Thread(w::schedule, "explicit-trigger");
        counted.pauseThread = outside;
        outside.start();
        await(paused); // the outside request is inside begin(), not yet counted

        counted.begin(); // tracked work, e.g. a probe that binds ...
        w.schedule(); // ... and triggers
        counted.end(); // ... and returns

        assertFalse(counted.await(Duration.ZERO),
                "quiescent while the run the tracked work asked for is owed (state " + w.state() + ")");
        resume.countDown();
        outside.join();
        assertEquals(1, manual.runAll(), "the two requests coalesce into one run");
        assertEquals(1, runs.get());
        assertTrue(counted.await(Duration.ZERO));
        assertEquals(CoalescingWork.IDLE, w.state());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    /**
     * flush_work: a flush waits for a run that covers every request made before it; a request that arrives while
     * the body runs is covered by the run it makes dirty, not by the one under way (which may have passed the state
     * the request changed). Forced with a body that waits on a latch, no sleeps.
     */
    @Test
    void flushWaitsForARunThatCoversEveryEarlierRequest() throws Exception {
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch finishFirstRun = new CountDownLatch(1);
        CoalescingWork w = manualWork(() -> {
            if (runs.get() == 1) {
                inFirstRun.countDown();
                await(finishFirstRun);
            }
        });
        w.flush(); // nothing ever requested: returns at once
        assertTrue(w.schedule());
        Thread worker = new Thread(manual::runAll, "worker");
        worker.start();
        await(inFirstRun);
        w.schedule(); // while the first run's body runs: dirty
        java.util.concurrent.atomic.AtomicBoolean flushed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread flusher = new Thread(() -> {
            try {
                w.flush();
                flushed.set(runs.get() == 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flusher");
        flusher.start();
        finishFirstRun.countDown();
        flusher.join();
        worker.join();
        assertTrue(flushed.get(), "the flush returned only after the run the second request made dirty");
        assertEquals(2, runs.get());
    }

    /** A tracker whose begin() pauses once, before counting, on one chosen thread. */
    private static final class PausingTracker extends WorkTracker {
        private final CountDownLatch paused;
        private final CountDownLatch resume;
        volatile Thread pauseThread;

        PausingTracker(CountDownLatch paused, CountDownLatch resume) {
            this.paused = paused;
            this.resume = resume;
        }

        @Override
        void begin() {
            if (Thread.currentThread() == pauseThread && paused.getCount() > 0) {
                paused.countDown();
                CoalescingWorkTest.await(resume);
            }
            super.begin();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
