package org.deferprobe.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * Deliberately broken: the kernel engine with the 2026 "consistent locking" change that was reverted
 * (dc23806a7c47, seed 004): driver_attach takes the device lock of every device on the bus to match it, and
 * device locks are not reentrant, as the kernel's mutexes are not. A probe, which holds its device's lock,
 * that registers a driver on its own bus (or, through a chain of probes, on another bus that comes back to
 * it) then waits for its own lock forever (bug B4). It inherits the kernel's B2. Exists to prove the soak's
 * watchdog catches B4 ({@code deadlock}).
 *
 * Implementation notes.
 * The device mutex is the kernel engine's {@link DeviceMutex} (non-reentrant, with an owner the JVM's thread dumps
 * name), so the lock observer hears of the recursive acquisition before the thread blocks on itself, and the
 * watchdog sees a thread waiting for a lock it owns.
 */
final class Locking2026Engine extends KernelEngine {
    Locking2026Engine(EngineConfig config) {
        super(EngineType.LOCKING_2026.engineName(), config);
    }

    /** B4: device_lock around the match of every device on the bus, in klist order, the probing device's own included. */
    @Override
    void driverAttach(Driver drv) {
        Set<Device> matching = new HashSet<>(registry.matchingDevices(drv));
        for (Device d : registry.devicesOnBus(drv.spec.bus())) {
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
}
