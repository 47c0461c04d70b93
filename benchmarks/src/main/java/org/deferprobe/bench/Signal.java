package org.deferprobe.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A reusable one-waiter, one-signaller hand-off: {@link #arm()}, then any thread {@link #fire()}s, and the
 * armed thread's {@link #await} returns. Park/unpark only, no spinning, so the engine runs and the floor's
 * ping-pong pay the same wake-up cost.
 *
 * <p>Happens-before: everything the firing thread did before {@code fire()} happens-before {@code await}
 * returning (volatile write and read of {@code fired}).
 */
final class Signal {
    private volatile Thread waiter;
    private volatile boolean fired;

    /** Called by the thread that will wait, before it starts what will fire the signal. */
    void arm() {
        fired = false;
        waiter = Thread.currentThread();
    }

    /** Any thread; a fire without an armed waiter is remembered until the next {@link #arm()}. */
    void fire() {
        fired = true; // release: publishes the firer's work to the waiter
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    boolean isFired() {
        return fired;
    }

    /**
     * Waits for the fire after the last arm.
     *
     * @throws IllegalStateException naming {@code what} if it did not come within the timeout
     */
    void await(long timeoutNanos, String what) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!fired) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(what + " did not happen within " + timeoutNanos / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(this, left);
        }
        waiter = null;
    }
}
