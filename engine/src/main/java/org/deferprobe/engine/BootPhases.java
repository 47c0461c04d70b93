package org.deferprobe.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The boot as the kernel runs it (drivers/base/dd.c): deferred probing disabled until late_initcall
 * (deferred_probe_initcall enables it, triggers and flushes the deferred work), then, if armed, the
 * deferred_probe_timeout: every driver registration while it is pending pushes it back
 * (deferred_probe_extend_timeout, called by driver_register); when it fires (deferred_probe_timeout_work_func),
 * links to suppliers no driver matches are relaxed (fw_devlink_drivers_done), deferred probing is triggered
 * once more and flushed, and every device still deferred is reported ("deferred probe pending").
 *
 * <p>Departure: after the timeout the kernel also makes driver_deferred_probe_check_state() return -ETIMEDOUT,
 * so drivers that ask for it give up on optional dependencies; the model has no optional requirement, so it
 * leaves that out.
 *
 * Implementation notes.
 * Invariants:
 *  - {@link #enabled} goes from false to true once (in {@link #lateInitcall}) and never back; while false a
 *    trigger does nothing at all (no count, no pass), as driver_deferred_probe_trigger returns early;
 *  - an armed timeout is outstanding work (M13) from the arming until its work function has ended; pushing it
 *    back replaces the scheduled task without touching the count; the count is ended exactly once, by the task
 *    that runs, or where it can no longer be scheduled (the engine closed).
 * Guarded by this object's monitor: the scheduled task and whether one is pending. {@link #pending} is written
 * by the work function only, read by snapshots.
 */
final class BootPhases {
    private final AbstractEngine engine;
    private volatile boolean enabled;
    /** The scheduled timeout, while it is pending (armed and not yet started); guarded by this. */
    private ScheduledFuture<?> timeout;
    private long timeoutMillis;
    private final Map<String, String> pending = new ConcurrentSkipListMap<>();

    BootPhases(AbstractEngine engine, boolean startDisabled) {
        this.engine = engine;
        this.enabled = !startDisabled;
    }

    boolean deferredProbingEnabled() {
        return enabled;
    }

    /** deferred_probe_initcall: enable, trigger, flush the pass, arm the timeout (if positive). */
    void lateInitcall(Duration deferredProbeTimeout) throws InterruptedException {
        enabled = true; // release: deferrals recorded before are on the lists the trigger moves
        engine.events.deferredProbingEnabled();
        engine.triggerEverything();
        engine.flushDeferredWork();
        long millis = deferredProbeTimeout.toMillis();
        if (millis > 0) {
            synchronized (this) {
                timeoutMillis = millis;
                engine.work.begin(); // M13: outstanding until the work function ended
                timeout = schedule(millis);
            }
        }
    }

    /** deferred_probe_extend_timeout, from driver_register: push a pending timeout back by its full length. */
    void driverRegistered() {
        synchronized (this) {
            if (timeout != null && timeout.cancel(false)) { // cancelled while pending: the count stays ours
                timeout = schedule(timeoutMillis);
            }
        }
    }

    private ScheduledFuture<?> schedule(long millis) {
        try {
            return engine.timer().schedule(this::handOff, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            engine.work.end();
            return null;
        }
    }

    /** The timer thread hands the work function to the executor (it waits for a pass, the timer must not). */
    private void handOff() {
        synchronized (this) {
            timeout = null; // started: no longer pending, no longer pushed back
        }
        try {
            engine.executor.execute(this::fire);
        } catch (RejectedExecutionException closed) {
            engine.work.end();
        }
    }

    /** deferred_probe_timeout_work_func. */
    private void fire() {
        try {
            engine.events.deferredProbeTimeout();
            engine.relaxLinksToSuppliersWithoutDriver(); // fw_devlink_drivers_done
            engine.triggerEverything();
            engine.flushDeferredWork();
            for (Device d : engine.registry.devices()) {
                if (d.state == DeviceState.DEFERRED) {
                    String reason = DeviceLinks.reason(d.waitingFor);
                    pending.put(d.name, reason);
                    engine.events.deferredProbePending(d.name, reason);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            engine.violation("engine-error", "deferred_probe_timeout work threw " + t);
        } finally {
            engine.work.end();
        }
    }

    /**
     * The outstanding work an armed timeout holds while it is pending (scheduled, not started): 1, else 0. Its
     * count is held from the arming until its work function has ended; only the pending part is excluded by
     * {@link Engine#awaitDeviceProbe}, which is why a handed-off timeout reads 0 here while still counted.
     */
    synchronized long pendingTimeoutWork() {
        return timeout != null ? 1 : 0;
    }

    /** "deferred probe pending" as printed when the timeout fired: device to reason; empty before. */
    Map<String, String> pending() {
        return Collections.unmodifiableMap(pending);
    }
}
