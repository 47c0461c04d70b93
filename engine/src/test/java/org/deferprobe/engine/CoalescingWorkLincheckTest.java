package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.LincheckAssertionError;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model-checks {@link CoalescingWork} with its {@link WorkTracker} (M7, M13): it explores the
 * interleavings of a few requests from outside (an explicit trigger, not counted as work), requests from
 * tracked work (a probe that binds and triggers), a worker running what was submitted, and a quiescence
 * check. Two properties:
 * <ul>
 *   <li>never quiescent while a run is owed: whenever the tracker reads zero, every request that had returned
 *       before has been served by a run that started after it (each request takes a ticket; a run records the
 *       latest ticket when it starts). {@code checkQuiescence()} throws otherwise, which no sequential
 *       execution does, so Lincheck reports the interleaving;
 *   <li>no run lost: after everything, running what was submitted leaves every request served (the last run
 *       started after the last request) and the item idle and uncounted.
 * </ul>
 * The flawed variant (the IDLE to QUEUED CAS before the count, as before issue 9) must be caught.
 */
class CoalescingWorkLincheckTest {

    /** The operations on one work item; Lincheck makes a fresh instance per scenario. */
    abstract static class Ops {
        final WorkTracker tracker = new WorkTracker();
        final ConcurrentLinkedQueue<Runnable> submitted = new ConcurrentLinkedQueue<>();
        /** Tickets taken by requests; a request owes a run from when it returns. */
        final AtomicInteger requested = new AtomicInteger();
        /** The highest ticket of a request that has returned. */
        final AtomicInteger returned = new AtomicInteger();
        /** The latest ticket when the latest run started. */
        volatile int served;
        final CoalescingWork work;

        Ops(Set<TestFlaw> flaws) {
            work = new CoalescingWork(() -> served = requested.get(), submitted::add, tracker, t -> { }, flaws);
        }

        /** An explicit trigger from outside: not counted as work. */
        @Operation
        public void request() {
            int ticket = requested.incrementAndGet();
            work.schedule();
            returned.accumulateAndGet(ticket, Math::max);
        }

        /** Tracked work (a probe) that requests a run and ends. */
        @Operation
        public void trackedRequest() {
            tracker.begin();
            int ticket = requested.incrementAndGet();
            work.schedule();
            returned.accumulateAndGet(ticket, Math::max);
            tracker.end();
        }

        /**
         * The worker: runs what was submitted (at most one task is ever waiting). One thread, as the executor's
         * hand-off makes a task run on exactly one thread; two workers would race for the task, which says
         * nothing about the work item.
         */
        @Operation(nonParallelGroup = "worker")
        public void runSubmitted() {
            for (Runnable r; (r = submitted.poll()) != null; ) {
                r.run();
            }
        }

        /** awaitQuiescence's question: if the tracker reads zero, no returned request may still be owed a run. */
        @Operation
        public void checkQuiescence() {
            int mustBeServed = returned.get(); // read before the tracker: these returned before it read zero
            if (tracker.outstanding() == 0 && served < mustBeServed) {
                throw new IllegalStateException("quiescent, yet request " + mustBeServed
                        + " returned and no run started after it (state " + work.state() + ")");
            }
        }

        /** The validation; each concrete class declares it (Lincheck finds an inherited one twice). */
        void noRunLost() {
            runSubmitted();
            if (served != requested.get() || tracker.outstanding() != 0 || work.state() != CoalescingWork.IDLE) {
                throw new IllegalStateException("after running what was submitted: served " + served + " of "
                        + requested.get() + " requests, outstanding " + tracker.outstanding() + ", state "
                        + work.state());
            }
        }
    }

    public static class Real extends Ops {
        public Real() {
            super(Set.of());
        }

        @Validate
        public void validate() {
            noRunLost();
        }
    }

    public static class CountedAfterQueuing extends Ops {
        public CountedAfterQueuing() {
            super(Set.of(TestFlaw.WORK_QUEUED_BEFORE_COUNTED));
        }

        @Validate
        public void validate() {
            noRunLost();
        }
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(2)
                .minimizeFailedScenario(false)
                // the JDK collections are linearizable: their steps are not what is under test
                .addGuarantee(forClasses("java.util.concurrent.ConcurrentLinkedQueue").allMethods().treatAsAtomic());
    }

    @Test
    void theWorkItemNeverReportsQuiescenceWhileARunIsOwedAndLosesNoRun() {
        options().check(Real.class);
    }

    @Test
    void countingAfterQueuingIsCaught() {
        LincheckAssertionError caught = assertThrows(LincheckAssertionError.class,
                () -> options().check(CountedAfterQueuing.class));
        System.out.println("caught as expected:" + caught.getMessage().lines().limit(12).toList());
    }
}
