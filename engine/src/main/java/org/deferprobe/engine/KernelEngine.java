package org.deferprobe.engine;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The reference: drivers/base/dd.c as it is. Per-device locks (device_lock) around every probe; the
 * pending and active lists under deferred_probe_mutex; an atomic trigger count with the M8 recheck; one
 * coalescing deferred work item on the executor; async attaches on the executor.
 *
 * <p>Faithful to the kernel in that publishing a resource outside probe does NOT trigger (only a bind, an
 * explicit trigger or an M8 re-trigger does), so it has bug B2: a consumer of a resource published after
 * its provider's probe returned stays deferred until something else triggers (the kernel's backstop is the
 * 10 s deferred_probe_timeout, which this model leaves out).
 *
 * Implementation notes.
 * Lock order: device_lock, then deferred_probe_mutex; the pass holds the mutex only to pop a device and
 * releases it before taking that device's lock. A probe that registers a driver (M11) takes the locks of
 * other devices while holding its own, as __driver_attach does; a probe that registers a device (M16) takes
 * that child's lock inside its own, as device_add's synchronous attach does (parent before child, always).
 * device_lock is a non-reentrant {@link DeviceMutex}, as the kernel's: a probe whose registrations reach back
 * to its own device (a driver it registers matches it) blocks on itself, as the kernel would, and the lock
 * observer is told first ({@link LockObserver#acquiring}); two probes registering drivers that match each
 * other's devices deadlock here as they would in the kernel (model scenarios do not do that).
 * Not final: the deliberately broken engines (racy-2012, racy-2014, remove-race, locking-2026) are this engine with one
 * method overridden each; lockLists and publicationTriggers are final so they stay the kernel's.
 */
class KernelEngine extends DeferredListsEngine {
    private final ReentrantLock deferredProbeMutex = new ReentrantLock();

    KernelEngine(EngineConfig config) {
        this(EngineType.KERNEL.engineName(), config);
    }

    /** For the deliberately broken engines, each the kernel with one thing taken out (see {@link EngineType}). */
    KernelEngine(String name, EngineConfig config) {
        super(name, config);
    }

    /** device_lock: the device's non-reentrant mutex; a thread that already holds it blocks for good, as in the kernel. */
    @Override
    void lockDevice(Device d) {
        locks.acquiring(LockObserver.DEVICE, d, false);
        d.mutex.lock();
        locks.acquired(LockObserver.DEVICE, d);
    }

    @Override
    void unlockDevice(Device d) {
        locks.released(LockObserver.DEVICE, d);
        d.mutex.unlock();
    }

    @Override
    final void lockLists() {
        locks.acquiring(LockObserver.DEFERRED_LISTS, deferredProbeMutex, false);
        deferredProbeMutex.lock();
        locks.acquired(LockObserver.DEFERRED_LISTS, deferredProbeMutex);
    }

    @Override
    final void unlockLists() {
        locks.released(LockObserver.DEFERRED_LISTS, deferredProbeMutex);
        deferredProbeMutex.unlock();
    }

    @Override
    final boolean publicationTriggers() {
        return false; // B2, as in the kernel
    }
}
