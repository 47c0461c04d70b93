package org.deferprobe.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts outstanding work for quiescence (M13): running probes, scheduled async attaches, delayed
 * publications and queued or running deferred work.
 *
 * Implementation notes.
 * Invariant: a piece of work that schedules another calls {@link #begin()} for the child before its own
 * {@link #end()}, so the count never reaches zero while work remains; zero is therefore a stable
 * quiescent state until an outside call starts new work. The monitor is taken only on the transition to
 * zero and by waiters.
 * Not final only so that tests can pause {@link #begin()} to force an interleaving (package-private class).
 */
class WorkTracker {
    private final AtomicLong outstanding = new AtomicLong();

    void begin() {
        outstanding.incrementAndGet();
    }

    void end() {
        long left = outstanding.decrementAndGet();
        if (left == 0) {
            synchronized (this) {
                notifyAll();
            }
        } else if (left < 0) {
            throw new IllegalStateException("work tracker underflow: end() without begin()");
        }
    }

    long outstanding() {
        return outstanding.get();
    }

    /**
     * Waits until at most {@code allowed} pieces of work are outstanding: work that the waiter knows will not end
     * while it waits (a pending deferred_probe_timeout). The allowance is read before and after the count, and
     * the smaller one is used, so a piece of work that leaves the allowance meanwhile (the timeout starting to
     * fire) is waited for. While the allowance is positive no notification comes (only a drop to zero notifies),
     * so the wait polls every millisecond.
     */
    boolean await(Duration timeout, LongSupplier allowed) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                long before = allowed.getAsLong();
                long n = outstanding.get();
                long after = allowed.getAsLong();
                long allowance = Math.min(before, after);
                if (n <= allowance) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                long ms = allowance > 0 ? 1 : Math.max(1, Math.min(left / 1_000_000, 50));
                wait(ms);
            }
        }
    }

    boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (outstanding.get() != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                long ms = Math.max(1, Math.min(left / 1_000_000, 50));
                wait(ms);
            }
        }
        return true;
    }
}
