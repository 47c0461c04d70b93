package org.deferprobe.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime state of one registered driver.
 *
 * Implementation notes.
 * M10 handshake between a probe and {@code unregisterDriver}, without a lock: a probe increments
 * {@link #inFlight} and then reads {@link #registered}; unregistration clears {@code registered} and then
 * waits for {@code inFlight} to drain. Both are sequentially consistent, so either the probe sees the
 * driver gone and does not run, or unregistration sees the probe and waits for it.
 * {@link #registered} goes from true to false once, by the CAS of {@link #claimRemoval()}: of concurrent
 * unregistrations of one driver exactly one proceeds.
 */
final class Driver {
    final DriverSpec spec;
    final String name;
    /** Registration order: drivers are tried in it (the bus's klist order). */
    final long seq;
    final boolean async;

    /** True from registration until an unregistration claims it; never true again (a reload is a new Driver). */
    volatile boolean registered = true;
    /** Set when unregisterDriver has drained its probes: a probe that starts after this breaks M10. */
    volatile boolean removed;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Devices bound to it (the driver's klist_devices). */
    final Set<Device> boundDevices = ConcurrentHashMap.newKeySet();

    Driver(DriverSpec spec, long seq) {
        this.spec = spec;
        this.name = spec.name();
        this.seq = seq;
        this.async = spec.probe() == ProbeType.ASYNC;
    }

    private static final VarHandle REGISTERED;

    static {
        try {
            REGISTERED = MethodHandles.lookup().findVarHandle(Driver.class, "registered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts its unregistration: true for exactly one caller; from then on no probe of it starts (M10). */
    boolean claimRemoval() {
        return REGISTERED.compareAndSet(this, true, false); // linearization point of unregisterDriver
    }

    /** Enters a probe of this driver; false (and nothing held) if it was unregistered. */
    boolean enterProbe() {
        inFlight.incrementAndGet();
        if (registered) {
            return true;
        }
        exitProbe();
        return false;
    }

    void exitProbe() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no probe of this driver runs. Call after clearing {@link #registered}. */
    void awaitNoProbes() {
        boolean interrupted = false;
        synchronized (this) {
            while (inFlight.get() != 0) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
