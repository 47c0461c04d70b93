package org.deferprobe.engine;

import java.time.Duration;

/**
 * A deferred-probe engine: binds drivers to devices under the rules M1-M15 of docs/model.md.
 *
 * <p>Every method may be called from any thread, concurrently with every other, and from inside a
 * probe (a probe registers drivers through the engine, M11), except {@link #close()}. Engines are made
 * by name through {@link EngineType}.
 *
 * <p>Happens-before: everything a thread did before a registration call happens-before the probes that
 * call causes; a probe's bind happens-before the return of a {@link #awaitQuiescence} that observes it.
 */
public interface Engine extends AutoCloseable {

    /** The name it was made by, as {@link EngineType#engineName()}. */
    String name();

    /**
     * Registers a device and tries the matching registered drivers (M2): sync ones on this thread,
     * async ones scheduled.
     *
     * @throws IllegalStateException if a live device of that name exists ("device already registered"), or one
     *         is still being unregistered ("device still being unregistered": its name is held until its
     *         detach is done, as device_del frees the name last), or the engine is closed
     */
    void registerDevice(DeviceSpec device);

    /**
     * Unregisters a device (M9): after this returns, no scheduled async attach or deferred retry binds it;
     * if it was bound, its driver's remove has run (unregistering the devices its probe registered, M16) and its
     * resources are withdrawn. Its name is freed last: a same-name registration meanwhile is refused.
     *
     * @return false if no live device has that name, or another call is already unregistering it
     */
    boolean unregisterDevice(String name);

    /**
     * Registers a driver and tries every live, unbound matching device (M3); for an async driver the
     * attaches are scheduled and this returns at once.
     *
     * @return false if a driver of that name is already registered (a probe that registers a driver twice
     *         is not an error: M11), or is still being unregistered: its name is held until its devices are
     *         detached, as the kernel's driver_find still finds it and driver_register fails with -EBUSY;
     *         register again once {@link #unregisterDriver} returned
     * @throws IllegalStateException if the engine is closed
     */
    boolean registerDriver(DriverSpec driver);

    /**
     * Unregisters a driver (M10): takes it off the match index, waits for its in-flight probes, unbinds every
     * device bound to it, and only then frees its name (bus_remove_driver's order); afterwards its probe is
     * never called again.
     *
     * @return false if no driver of that name is registered, or another call is already unregistering it
     */
    boolean unregisterDriver(String name);

    /** An explicit trigger (M6): every pending device is retried by a deferred pass. */
    void trigger();

    /**
     * late_initcall's deferred_probe_initcall: enables deferred probing (if the engine was made with
     * {@link EngineConfig#bootPhases()}, it was disabled until now: deferrals were recorded, triggers did
     * nothing), triggers, waits for that pass, and, if {@code deferredProbeTimeout} is positive, arms the
     * deferred_probe_timeout, which every driver registration pushes back while it is pending and which, when it
     * fires, relaxes links to suppliers no driver matches, triggers once more and reports every device still
     * deferred ({@link Snapshot#deferredProbePending()}). An armed timeout is outstanding work (M13).
     *
     * @throws IllegalArgumentException if the timeout is negative
     */
    void lateInitcall(Duration deferredProbeTimeout) throws InterruptedException;

    /**
     * wait_for_device_probe (drivers/base/dd.c): waits until no probe runs, no deferred work is queued or running,
     * and no async attach or delayed publication is scheduled. Unlike {@link #awaitQuiescence} it does not wait for
     * a deferred_probe_timeout armed by {@link #lateInitcall} that has not fired yet, as the kernel's function does
     * not (it flushes the deferred work and waits for the probes in flight): a boot that loads its modules one by
     * one settles after each of them this way while the timeout stays armed and is pushed back by each registration.
     * Once the timeout has started to fire, its work is waited for like any other.
     *
     * @return true if settled, false if the timeout elapsed first
     */
    boolean awaitDeviceProbe(Duration timeout) throws InterruptedException;

    /**
     * Waits for quiescence (M13): no probe running, no deferred work queued or running, no async attach
     * and no delayed publication scheduled.
     *
     * @return true if quiescent, false if the timeout elapsed first
     */
    boolean awaitQuiescence(Duration timeout) throws InterruptedException;

    /** The state of every live device, the deferral reasons and the counters (M14). */
    Snapshot snapshot();

    /** Stops the executor; work still scheduled is dropped. Idempotent. */
    @Override
    void close();
}
