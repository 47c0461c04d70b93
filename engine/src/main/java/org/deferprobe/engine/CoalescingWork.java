package org.deferprobe.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One work item that coalesces requests (M7): the kernel's static {@code deferred_probe_work} queued with
 * queue_work. Requests while it is queued are absorbed; a request while it runs makes it run exactly once
 * more after the current run; no request is ever lost. Lock-free: {@link #schedule()} is one CAS in the
 * common case and allocates nothing.
 *
 * <p>Happens-before: everything a thread did before a {@link #schedule()} call happens-before the start of
 * a run of the body that follows it (the one it queued, or the one it made dirty, or the one it coalesced
 * into, which has not started yet).
 *
 * Implementation notes.
 * The same pattern as Linux's WORK_STRUCT_PENDING bit, client-go workqueue's dirty and processing sets for
 * a single key, and Caffeine's drain status. Linearization points: the CAS in schedule(); the CAS out of
 * RUNNING in the worker's settle. Only the worker leaves RUNNING and RUNNING_DIRTY; only schedule() leaves
 * IDLE. Once shut down, schedule() refuses, and work already queued or running still completes (drain).
 * Quiescence (M13): the tracker counts one unit from before the IDLE to QUEUED CAS until after the CAS back to
 * IDLE, so "state is not IDLE" implies "counted". Counting after the CAS would let a request from tracked
 * work coalesce into a QUEUED run that nobody counts yet, end its own work, and let awaitQuiescence return
 * while the run it needs was never submitted; a request that loses the CAS undoes its count.
 */
final class CoalescingWork implements Runnable {
    /** Not queued and not running. */
    static final int IDLE = 0;
    /** Handed to the executor, not started: requests coalesce into it. */
    static final int QUEUED = 1;
    /** The body runs; no request arrived since it started. */
    static final int RUNNING = 2;
    /** The body runs and a request arrived since it started: it runs once more. */
    static final int RUNNING_DIRTY = 3;

    /*
     * Possible transitions:
     *   IDLE          -> QUEUED         schedule()
     *   QUEUED        -> RUNNING        worker starts
     *   QUEUED        -> IDLE           the executor refused the task (closed)
     *   RUNNING       -> RUNNING_DIRTY  schedule()
     *   RUNNING_DIRTY -> RUNNING        worker starts the extra run
     *   RUNNING       -> IDLE           worker ends
     */
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Runnable body;
    private final Executor executor;
    private final WorkTracker tracker;
    private final Consumer<Throwable> errors;
    /** Only with {@link TestFlaw#WORK_QUEUED_BEFORE_COUNTED}: the Lincheck test's flawed variant. */
    private final boolean countAfterQueuing;
    private volatile boolean shutdown;
    /** Requests made (each {@link #schedule()} counts one before anything else), for {@link #flush()}. */
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    /** The request count a run read as it started, once that run has ended; written by the worker only. */
    private volatile long servedUpTo;

    /**
     * @param body     the work; may call {@link #schedule()} itself
     * @param executor where it runs
     * @param tracker  counts it as outstanding from queued to idle (M13)
     * @param errors   told of anything the body throws; the work item survives it
     */
    CoalescingWork(Runnable body, Executor executor, WorkTracker tracker, Consumer<Throwable> errors) {
        this(body, executor, tracker, errors, Set.of());
    }

    /** Test-only: with deliberate flaws. */
    CoalescingWork(Runnable body, Executor executor, WorkTracker tracker, Consumer<Throwable> errors,
                   Set<TestFlaw> flaws) {
        this.body = body;
        this.executor = executor;
        this.tracker = tracker;
        this.errors = errors;
        this.countAfterQueuing = flaws.contains(TestFlaw.WORK_QUEUED_BEFORE_COUNTED);
    }

    /**
     * Requests a run.
     *
     * @return true if this call queued the item or made a running one run again; false if it coalesced
     *         into a run that had not started yet, or the item is shut down
     */
    boolean schedule() {
        requests.incrementAndGet(); // a run that reads this count as it starts covers this request
        for (;;) {
            if (shutdown) {
                return false;
            }
            int s = state.get();
            switch (s) {
                case IDLE -> {
                    if (countAfterQueuing) { // the flaw: a request can coalesce into this run before it is counted
                        if (state.compareAndSet(IDLE, QUEUED)) {
                            tracker.begin();
                            submit();
                            return true;
                        }
                        continue;
                    }
                    tracker.begin(); // counted before it is QUEUED: nobody can coalesce into an uncounted run
                    if (state.compareAndSet(IDLE, QUEUED)) { // linearization point: queued
                        submit();
                        return true;
                    }
                    tracker.end(); // another request queued it first, counted by that request
                }
                case QUEUED, RUNNING_DIRTY -> {
                    return false; // coalesced: a run that starts after this call is already due
                }
                case RUNNING -> {
                    if (state.compareAndSet(RUNNING, RUNNING_DIRTY)) { // linearization point: one more run
                        return true;
                    }
                }
                default -> throw new IllegalStateException("bad state " + s);
            }
        }
    }

    private void submit() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            state.set(IDLE);
            tracker.end();
            signalIfShutdown();
        }
    }

    /** The worker's entry point; only the executor calls it. */
    @Override
    public void run() {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
            throw new IllegalStateException("bad state " + state.get() + ": run() without schedule()");
        }
        boolean again = true;
        while (again) {
            long covered = requests.get(); // every request counted so far happens-before this run's body
            try {
                body.run();
            } catch (Throwable t) {
                errors.accept(t);
            } finally {
                servedUpTo = covered; // single writer: the one worker; monotone, runs are sequential
                synchronized (this) {
                    notifyAll(); // flush()
                }
                again = settle();
            }
        }
    }

    /**
     * flush_work: waits until a run that covers every request made before this call has ended (a run covers the
     * requests counted when it started; a request that coalesced into a run already under way is covered by the
     * run it made dirty). Returns at once if none was ever made; gives up once the item is shut down.
     */
    void flush() throws InterruptedException {
        long wanted = requests.get();
        synchronized (this) {
            while (servedUpTo < wanted && !shutdown) {
                wait(50);
            }
        }
    }

    /** Leaves RUNNING for IDLE, or takes the extra run RUNNING_DIRTY asks for; true if it must run again. */
    private boolean settle() {
        if (state.compareAndSet(RUNNING, IDLE)) { // linearization point: idle, later requests queue anew
            tracker.end();
            signalIfShutdown();
            return false;
        }
        int s = state.get();
        if (s == RUNNING_DIRTY && state.compareAndSet(RUNNING_DIRTY, RUNNING)) {
            return true;
        }
        throw new IllegalStateException("bad state " + s + " at the end of a run");
    }

    /** The current state, one of the constants above; for tests and snapshots. */
    int state() {
        return state.get();
    }

    /**
     * Refuses further requests and, if {@code drain}, waits until a queued or running body has finished
     * (including the extra run of a dirty one).
     *
     * @return true if idle when it returned
     */
    boolean shutdown(boolean drain, Duration timeout) throws InterruptedException {
        shutdown = true;
        if (!drain) {
            return state.get() == IDLE;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (state.get() != IDLE) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 20)));
            }
        }
        return true;
    }

    boolean isShutdown() {
        return shutdown;
    }

    private void signalIfShutdown() {
        if (shutdown) {
            synchronized (this) {
                notifyAll();
            }
        }
    }
}
