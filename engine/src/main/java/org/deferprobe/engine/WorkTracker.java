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
    /** Waiters that allow some work to remain ({@link #await(Duration, LongSupplier)}): they need a drop to one. */
    private volatile int partialWaiters;

    void begin() {
        outstanding.incrementAndGet();
    }

    void end() {
        long left = outstanding.decrementAndGet();
        if (left == 0 || (left == 1 && partialWaiters > 0)) {
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
     * fire) is waited for. An allowance is at most one: {@link #end} notifies on a drop to one only while such a
     * waiter is registered (a volatile read on that transition, nothing on the others); no lost wake-up, as the
     * waiter registers before it checks and checks and waits under the monitor that the notification takes.
     */
    boolean await(Duration timeout, LongSupplier allowed) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            partialWaiters++; // under the monitor: waiters never race each other on it
            try {
                while (true) {
                    long before = allowed.getAsLong();
                    long n = outstanding.get();
                    long after = allowed.getAsLong();
                    if (n <= Math.min(before, after)) {
                        return true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    wait(Math.max(1, Math.min(left / 1_000_000, 50)));
                }
            } finally {
                partialWaiters--;
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
