package org.deferprobe.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

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
