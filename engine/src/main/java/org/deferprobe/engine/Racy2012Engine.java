package org.deferprobe.engine;

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
 */
final class Racy2012Engine extends KernelEngine {
    Racy2012Engine(EngineConfig config) {
        super(EngineType.RACY_2012.engineName(), config);
    }

    /** B1 (2012 window): the name first (kobject_init_and_add), the walk, and only then the bus's driver list. */
    @Override
    Driver addAndWalk(DriverSpec spec) {
        Driver drv = registry.addDriverUnlisted(spec);
        if (drv != null) {
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
            lockDevice(d);
            try {
                if (!drv.async) {
                    probeWith(d, drv);
                } else if (!d.dead && d.driver == null && (d.asyncDriver == null || !d.asyncDriver.registered)) {
                    d.asyncDriver = drv;
                    runTracked(() -> asyncDriverAttach(d, drv));
                }
            } finally {
                unlockDevice(d);
            }
        }
    }
}
