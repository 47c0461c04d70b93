package org.deferprobe.engine;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline: one lock held across every registration, unregistration, probe, publication and deferred
 * pass. Obviously correct and fully serial: while one probe sleeps, nothing else in the engine moves.
 *
 * Implementation notes.
 * The global lock is the device guard, the list lock and the operation bracket at once; it is reentrant,
 * so a probe that registers drivers (M11) re-enters it on its own thread and cannot deadlock. Async
 * attaches, delayed publications and the deferred work run on the executor and take the lock there.
 * M8 still matters: a probe that registers a driver which binds another device triggers inside the probe.
 */
final class GlobalLockEngine extends DeferredListsEngine {
    private final ReentrantLock global = new ReentrantLock();

    GlobalLockEngine(EngineConfig config) {
        super(EngineType.GLOBAL_LOCK.engineName(), config);
    }

    private void lockGlobal() {
        locks.acquiring(LockObserver.GLOBAL, global, true);
        global.lock();
        locks.acquired(LockObserver.GLOBAL, global);
    }

    private void unlockGlobal() {
        locks.released(LockObserver.GLOBAL, global);
        global.unlock();
    }

    @Override
    void beginOperation() {
        lockGlobal();
    }

    @Override
    void endOperation() {
        unlockGlobal();
    }

    @Override
    void lockDevice(Device d) {
        lockGlobal();
    }

    @Override
    void unlockDevice(Device d) {
        unlockGlobal();
    }

    @Override
    void lockLists() {
        lockGlobal();
    }

    @Override
    void unlockLists() {
        unlockGlobal();
    }
}
