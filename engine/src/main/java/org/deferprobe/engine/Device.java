package org.deferprobe.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime state of one registered device: the model's device, shared by every engine.
 *
 * Implementation notes.
 * Which lock guards a field depends on the engine; "the device's guard" below means the lock the engine's
 * {@link AbstractEngine#lockDevice} takes: the global lock for global-lock, {@link #lock} for the others.
 *  - driver, bindGeneration, published, asyncDriver, state transitions out of PROBING: written only under
 *    the device's guard; read racily (volatile) by snapshots and by the kernel's lock-free pre-checks, as
 *    __driver_attach reads dev->driver before device_lock.
 *  - dead: set once under the device's guard, never cleared (a re-registered name is a new Device).
 *  - registered: true from registration until an unregistration claims it, by the one CAS of
 *    {@link #claimRemoval()}; its name stays taken until the detach is done ({@link Registry#releaseDeviceName}).
 *  - listPrev / listNext: owned by whichever deferred list holds the device, under that list's lock.
 *  - queuedNode: the lock-free engines' on-list flag, changed only by CAS (DeferredQueue).
 *  - probesInFlight: instrumentation only, never used for control; more than one means M4 was broken.
 *  - children: under this device's guard (the parent's, for the devices it registered: M16).
 */
final class Device {
    final DeviceSpec spec;
    final String name;
    /** The lock-free engines' device lock. */
    final ReentrantLock lock = new ReentrantLock();
    /** The kernel-style engines' device_lock: non-reentrant, like the kernel's mutex. */
    final DeviceMutex mutex = new DeviceMutex();

    volatile DeviceState state = DeviceState.UNBOUND;
    volatile Driver driver;
    /** The requirement its latest probe found missing (the deferral reason), or null. */
    volatile String waitingFor;
    volatile boolean dead;
    /** True until an unregistration claims it; never true again (a re-registration is a new Device). */
    volatile boolean registered = true;
    /** Incremented on every bind; a delayed publication publishes only for the binding that scheduled it. */
    volatile long bindGeneration;
    /** True while its provides are published by its current binding. */
    volatile boolean published;
    /** The async driver whose attach is scheduled for it (the kernel's dev->p->async_driver). */
    Driver asyncDriver;

    // intrusive deferred-list node (the kernel's dev->p->deferred_probe), guarded by the list's lock;
    // listNext != null iff the device is on a deferred list
    Device listPrev;
    Device listNext;

    /**
     * The lock-free engines' on-list flag (M5): the one live node queuing this device on a
     * {@link DeferredQueue}, or null. Set and cleared only by CAS, see {@link DeferredQueue}.
     */
    volatile DeferredQueue.Node queuedNode;

    final AtomicInteger probesInFlight = new AtomicInteger();

    /** The device whose probe registered this one (M16), or null; set once at registration. */
    volatile Device parent;
    /**
     * The devices this device's current probe or binding registered (M16), in registration order; guarded by
     * this device's guard. Unregistered by the probe's error path (defer, fail) or when it unbinds.
     */
    final List<Device> children = new ArrayList<>(0);

    /** Registration order: bus walks visit devices in it (the bus's klist_devices order). */
    final long seq;

    Device(DeviceSpec spec) {
        this(spec, 0);
    }

    Device(DeviceSpec spec, long seq) {
        this.spec = spec;
        this.name = spec.name();
        this.seq = seq;
    }

    private static final java.lang.invoke.VarHandle REGISTERED;

    static {
        try {
            REGISTERED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Device.class, "registered",
                    boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts its unregistration: true for exactly one caller (the linearization point of unregisterDevice). */
    boolean claimRemoval() {
        return REGISTERED.compareAndSet(this, true, false);
    }

    @Override
    public String toString() {
        return name;
    }
}
