package org.deferprobe.engine;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Deliberately broken: the kernel engine with the 2026 "consistent locking" change that was reverted
 * (dc23806a7c47, seed 004): driver_attach takes the device lock of every device on the bus to match it, and
 * device locks are not reentrant, as the kernel's mutexes are not. A probe, which holds its device's lock,
 * that registers a driver on its own bus (or, through a chain of probes, on another bus that comes back to
 * it) then waits for its own lock forever (bug B4). It inherits the kernel's B2. Exists to prove the soak's
 * watchdog catches B4 ({@code deadlock}).
 *
 * Implementation notes.
 * The device mutex is an AbstractQueuedSynchronizer with an exclusive owner, so the JVM's thread dumps
 * (ThreadMXBean) name its owner: the watchdog sees a thread waiting for a lock it owns itself. The mutexes
 * live in a map here rather than in {@link Device} so the shared model stays as it is.
 */
final class Locking2026Engine extends KernelEngine {
    private final ConcurrentHashMap<Device, Mutex> mutexes = new ConcurrentHashMap<>();

    Locking2026Engine(EngineConfig config) {
        super(EngineType.LOCKING_2026.engineName(), config);
    }

    @Override
    void lockDevice(Device d) {
        mutexes.computeIfAbsent(d, k -> new Mutex()).acquire(1);
        locks.acquired(LockObserver.DEVICE, d);
    }

    @Override
    void unlockDevice(Device d) {
        locks.released(LockObserver.DEVICE, d);
        mutexes.get(d).release(1);
    }

    /** B4: device_lock around the match of every device on the bus, the probing device's own included. */
    @Override
    void driverAttach(Driver drv) {
        Set<Device> matching = new HashSet<>(registry.matchingDevices(drv));
        for (Device d : registry.devices()) {
            if (!d.spec.bus().equals(drv.spec.bus())) {
                continue;
            }
            lockDevice(d);
            try {
                if (!matching.contains(d) || d.dead || d.driver != null) {
                    continue;
                }
                if (!drv.async) {
                    probeWith(d, drv);
                } else if (d.asyncDriver == null || !d.asyncDriver.registered) {
                    d.asyncDriver = drv;
                    runTracked(() -> asyncDriverAttach(d, drv));
                }
            } finally {
                unlockDevice(d);
            }
        }
    }

    /** A non-reentrant mutex with an owner, like a kernel struct mutex. */
    private static final class Mutex extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

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
}
