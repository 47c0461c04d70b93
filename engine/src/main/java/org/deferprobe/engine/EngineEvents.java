package org.deferprobe.engine;

import java.util.List;

/**
 * Told of what the driver core does, as it happens, on the thread that does it: for timelines, traces and bind
 * latency. Every method has an empty default; {@link #NONE} costs a call to it.
 *
 * <p>Called with engine locks held (a probe's events with its device's guard held): an implementation must be
 * quick, must not block and must not call the engine. Timestamps are the implementation's own
 * ({@code System.nanoTime()} when called). A probe attempt is {@link #probeStarted} then exactly one
 * {@link #probeEnded} on the same thread; a deferral on a supplier that is not bound happens before any probe
 * is called and is only {@link #supplierDeferred}.
 */
public interface EngineEvents {
    EngineEvents NONE = new EngineEvents() {
    };

    /** Every listener told of every event, in the order given; NONE ones skipped. */
    static EngineEvents all(EngineEvents... listeners) {
        List<EngineEvents> live = java.util.Arrays.stream(listeners).filter(l -> l != NONE).toList();
        if (live.isEmpty()) {
            return NONE;
        }
        if (live.size() == 1) {
            return live.get(0);
        }
        return new EngineEvents() {
            @Override
            public void deviceRegistered(String device) {
                live.forEach(l -> l.deviceRegistered(device));
            }

            @Override
            public void deviceUnregistered(String device) {
                live.forEach(l -> l.deviceUnregistered(device));
            }

            @Override
            public void driverRegistered(String driver) {
                live.forEach(l -> l.driverRegistered(driver));
            }

            @Override
            public void driverUnregistered(String driver) {
                live.forEach(l -> l.driverUnregistered(driver));
            }

            @Override
            public void probeStarted(String device, String driver) {
                live.forEach(l -> l.probeStarted(device, driver));
            }

            @Override
            public void probeEnded(String device, String driver, Outcome outcome, String reason) {
                live.forEach(l -> l.probeEnded(device, driver, outcome, reason));
            }

            @Override
            public void supplierDeferred(String device, String driver, String supplier) {
                live.forEach(l -> l.supplierDeferred(device, driver, supplier));
            }

            @Override
            public void bound(String device, String driver) {
                live.forEach(l -> l.bound(device, driver));
            }

            @Override
            public void unbound(String device) {
                live.forEach(l -> l.unbound(device));
            }

            @Override
            public void published(String device, List<String> resources) {
                live.forEach(l -> l.published(device, resources));
            }

            @Override
            public void triggered() {
                live.forEach(EngineEvents::triggered);
            }

            @Override
            public void passStarted() {
                live.forEach(EngineEvents::passStarted);
            }

            @Override
            public void passEnded() {
                live.forEach(EngineEvents::passEnded);
            }

            @Override
            public void deferredProbingEnabled() {
                live.forEach(EngineEvents::deferredProbingEnabled);
            }

            @Override
            public void deferredProbeTimeout() {
                live.forEach(EngineEvents::deferredProbeTimeout);
            }

            @Override
            public void deferredProbePending(String device, String reason) {
                live.forEach(l -> l.deferredProbePending(device, reason));
            }
        };
    }

    /** What a probe attempt came to. */
    enum Outcome { BOUND, DEFERRED, FAILED }

    /** A device joined the registry (by a step, or from a probe: M16). */
    default void deviceRegistered(String device) {
    }

    /** A device left the registry. */
    default void deviceUnregistered(String device) {
    }

    /** A driver joined the registry (by a step, or from a probe: M11). */
    default void driverRegistered(String driver) {
    }

    /** A driver left the registry: its devices are unbound and its name is free again (M10). */
    default void driverUnregistered(String driver) {
    }

    default void probeStarted(String device, String driver) {
    }

    /** @param reason the deferral's reason (the missing requirement) or the failure's, else null */
    default void probeEnded(String device, String driver, Outcome outcome, String reason) {
    }

    /** fw_devlink: deferred before its driver's probe was called, on a supplier not bound. */
    default void supplierDeferred(String device, String driver, String supplier) {
    }

    default void bound(String device, String driver) {
    }

    default void unbound(String device) {
    }

    /** Resources published by a device's binding (at once, or late: M15). */
    default void published(String device, List<String> resources) {
    }

    /** A trigger (M6) that the deferred work will act on. */
    default void triggered() {
    }

    /** A deferred pass (M7) began on this thread; {@link #passEnded} follows on the same thread. */
    default void passStarted() {
    }

    default void passEnded() {
    }

    /** late_initcall: deferred probing enabled. */
    default void deferredProbingEnabled() {
    }

    /** The deferred_probe_timeout fired: relaxed links, the last trigger; then each device still deferred. */
    default void deferredProbeTimeout() {
    }

    /** "deferred probe pending": a device still deferred after the timeout's last pass, with its reason. */
    default void deferredProbePending(String device, String reason) {
    }
}
