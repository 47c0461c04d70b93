package org.deferprobe.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deliberately broken: the kernel engine whose driver registration walks the bus before the driver joins the
 * bus's driver list, as bus_add_driver did in v3.5 (driver_attach, then klist_add_tail), the window of seed 000
 * (Russell King, 2012, kirkwood-spdif-audio.1 on Dove/Kirkwood with the ASoC drivers as modules). A device the
 * walk probed that defers is on the pending list; if a trigger (another driver's bind, or the M8 recheck) runs
 * the deferred pass before the walk has finished, the pass takes the device off the list and retries it, finds
 * no matching driver (this one is not on the list yet), and leaves it on no list: it is never probed again,
 * although its driver is registered (bug B1, the 2012 window). Fixed by 190888ac01d0 ("driver core: fix possible
 * missing of device probe"), which adds the driver to the list first. It keeps the M8 recheck, which only came in
 * 2014 (see {@link Racy2014Engine}), so each broken engine has exactly one window; it inherits the kernel's B2.
 *
 * Implementation notes.
 * The walk is v3.5's driver_attach: bus_for_each_dev over every device of the bus in klist order, matching each
 * (platform_match), locking and probing the matching ones; the driver is indexed (klist_add_tail) only after it.
 * v3.5's __driver_attach also took the device's parent's lock first, on every bus ("if (dev->parent)
 * device_lock(dev->parent)", commented "Needed for USB"; later kernels only where bus->need_parent_lock). Every platform device
 * registered without a parent is a child of the platform bus's root device (/sys/devices/platform), so in v3.5 the
 * walks of all platform drivers took one lock: while the card's probe ran, the other modules' walks waited on it,
 * and the card's deferral released them; seed 000's log shows it (kirkwood-pcm-audio.1 is probed right after
 * "Added to deferred list", its bind runs the deferred list, and the card's walk has not yet listed its driver).
 * Here a walk takes its bus's root lock around each parentless matching device ({@link #busRoot}). Departures:
 * a walk started inside a probe (a probe registering a driver, M11) does not take it (in v3.5 it would deadlock on
 * the root it already holds, or on another walk holding it: a different bug, B4's, not this engine's), and a
 * device's own parent (M16) is not locked. Device registration and the deferred pass take no parent lock, as in
 * v3.5 (device_attach).
 *
 * Invariant: the root lock is taken before the device's lock and released after it, only on a thread that is not
 * inside a probe, so it never waits while holding a device lock.
 */
final class Racy2012Engine extends KernelEngine {
    /** /sys/devices/platform per bus: the parent v3.5's __driver_attach locked for every parentless device. */
    private final ConcurrentHashMap<String, ReentrantLock> busRoots = new ConcurrentHashMap<>();
    /** How many probes the current thread is inside (probes nest: M11, M16). */
    private final ThreadLocal<int[]> probeDepth = ThreadLocal.withInitial(() -> new int[1]);

    Racy2012Engine(EngineConfig config) {
        super(EngineType.RACY_2012.engineName(), config);
    }

    private ReentrantLock busRoot(String bus) {
        return busRoots.computeIfAbsent(bus, b -> new ReentrantLock());
    }

    @Override
    ProbeOutcome probeWith(Device d, Driver drv) {
        int[] depth = probeDepth.get();
        depth[0]++;
        try {
            return super.probeWith(d, drv);
        } finally {
            depth[0]--;
        }
    }

    /** B1 (2012 window): the name first (kobject_init_and_add), the walk, and only then the bus's driver list. */
    @Override
    Driver addAndWalk(DriverSpec spec) {
        Driver drv = registry.addDriverUnlisted(spec);
        if (drv != null) {
            events.driverRegistered(drv.name);
            driverAttach(drv);
            registry.listDriver(drv);
        }
        return drv;
    }

    /** v3.5's driver_attach: every device of the bus in klist order, matched one by one, probed when it matches. */
    @Override
    void driverAttach(Driver drv) {
        for (Device d : registry.devicesOnBus(drv.spec.bus())) {
            if (d.dead || d.driver != null || !Registry.matches(drv, d)) {
                continue; // racy pre-check, as __driver_attach; rechecked under the device's lock
            }
            ReentrantLock root = d.parent == null && probeDepth.get()[0] == 0 ? busRoot(drv.spec.bus()) : null;
            if (root == null) {
                attachLocked(d, drv);
                continue;
            }
            root.lock(); // v3.5: device_lock(dev->parent), the platform bus's root
            try {
                attachLocked(d, drv);
            } finally {
                root.unlock();
            }
        }
    }
}
