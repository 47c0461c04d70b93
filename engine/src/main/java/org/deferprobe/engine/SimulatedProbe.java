package org.deferprobe.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * The simulated probe, one for every engine (the model's driver behaviour, see {@link DriverSpec}).
 *
 * <p>Called by an engine with the device's guard held and the driver entered ({@link Driver#enterProbe()}).
 * It checks the model's rules it can see for itself (M4: one probe of a device at a time, never a dead
 * device; M10: never a removed driver) and records a violation when one is broken. A probe that throws,
 * the hook included, is counted and reported and comes back as {@link ProbeOutcome#FAILED}: it never
 * propagates into an engine thread.
 */
final class SimulatedProbe {
    private SimulatedProbe() {
    }

    static ProbeOutcome run(AbstractEngine engine, Device d, Driver drv) {
        engine.counters.probeCalls.increment();
        int concurrent = d.probesInFlight.incrementAndGet();
        try {
            if (concurrent > 1) {
                engine.violation("concurrent-probe", d.name + " probed by " + drv.name + " while another probe of it runs");
            }
            if (d.dead) {
                engine.violation("probe-of-dead-device", d.name + " probed by " + drv.name + " after it was unregistered");
            }
            if (drv.removed) {
                engine.violation("probe-after-driver-removal", drv.name + " probed " + d.name + " after unregisterDriver returned");
            }
            DriverSpec spec = drv.spec;
            for (DeviceSpec child : spec.registersDevices()) {
                engine.registerChildDevice(d, child); // M16: device_add before the lookups (dwc3's glue, optee)
            }
            for (DriverSpec child : spec.registersDrivers()) {
                engine.registerDriver(child); // M11: false when already registered, which is fine
            }
            String missing = engine.resources.firstMissing(d.spec.requires());
            engine.config.probeHook().afterCheck(d.name, drv.name, missing);
            sleepMicros(spec.probeMicros());
            spinMicros(spec.spinMicros());
            if (spec.fails()) {
                return ProbeOutcome.FAILED;
            }
            if (missing != null) {
                d.waitingFor = missing;
                return ProbeOutcome.DEFERRED;
            }
            for (DeviceSpec child : d.spec.children()) {
                // M16: its firmware subnodes, once it has its resources and its hardware is up, at the end of
                // its probe (of_i2c_register_devices from i2c_add_adapter, of_platform_populate from an MFD)
                engine.registerChildDevice(d, child);
            }
            return ProbeOutcome.BOUND;
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            engine.counters.probeErrors.increment();
            engine.error(d.name + " probe by " + drv.name + " threw " + t);
            return ProbeOutcome.FAILED;
        } finally {
            d.probesInFlight.decrementAndGet();
        }
    }

    /** Sleeps (a probe waiting on hardware): the thread yields its core. */
    static void sleepMicros(long micros) throws InterruptedException {
        if (micros <= 0) {
            return;
        }
        long deadline = System.nanoTime() + micros * 1_000L;
        for (long left = micros * 1_000L; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("probe sleep interrupted");
            }
        }
    }

    /** Spins (CPU work inside probe): the thread holds its core. */
    static void spinMicros(long micros) {
        if (micros <= 0) {
            return;
        }
        long deadline = System.nanoTime() + micros * 1_000L;
        while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
