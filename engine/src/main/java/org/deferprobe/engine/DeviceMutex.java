package org.deferprobe.engine;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The kernel-style engines' device_lock: a non-reentrant mutex with an owner, like the kernel's struct mutex.
 * A thread that takes a device mutex it already holds blocks for good, as the kernel does (seed 004's "possible
 * recursive locking detected"); the engines announce every acquisition to the {@link LockObserver} first, so a
 * lockdep-style validator reports it before the thread blocks.
 *
 * Implementation notes.
 * An exclusive AbstractQueuedSynchronizer: state 0 free, 1 held; the owner is recorded, so the JVM's thread
 * dumps (ThreadMXBean) name it and a watchdog sees a thread waiting for a lock it owns itself. Release by a
 * thread that does not hold it is a bug and throws.
 */
final class DeviceMutex extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    void lock() {
        acquire(1);
    }

    void unlock() {
        release(1);
    }

    /** True if the calling thread holds it. */
    boolean isHeldByCurrentThread() {
        return isHeldExclusively();
    }

    @Override
    protected boolean tryAcquire(int arg) {
        if (compareAndSetState(0, 1)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int arg) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("device mutex released by a thread that does not hold it");
        }
        setExclusiveOwnerThread(null);
        setState(0);
        return true;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }
}
