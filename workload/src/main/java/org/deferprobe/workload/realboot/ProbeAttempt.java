package org.deferprobe.workload.realboot;

import org.deferprobe.workload.realboot.BootEvent.Stamp;

/**
 * One probe attempt of a device by a driver, as the log shows it: from dd.c's "matched device DEV with driver
 * DRV" (really_probe is entered) to its outcome.
 *
 * @param driver      the driver
 * @param stamp       where the attempt starts (its "matched" line)
 * @param probing     whether really_probe got as far as "probing driver DRV with device DEV": false when a
 *                    supplier link was not ready, which it checks first. The driver's own probe is called
 *                    after that line unless pinctrl or DMA setup defers first ({@link Outcome#DEFERRED_BY_CORE})
 * @param outcome     how it ended
 * @param detail      the supplier that was not ready, or the error of a failed or rejected probe, or null
 * @param usecs       the attempt's duration from initcall_debug's "probe of DEV returned R after N usecs", or
 *                    -1 when the log has no such line for it
 */
public record ProbeAttempt(String driver, Stamp stamp, boolean probing, Outcome outcome, String detail, long usecs) {
    /** How an attempt ended. */
    public enum Outcome {
        /** The driver bound ("driver_bound: bound to device", or "returned 0" with no failure line). */
        BOUND,
        /** The driver's probe returned -EPROBE_DEFER ("Driver DRV requests probe deferral", or "returned 517"). */
        DEFERRED_BY_DRIVER,
        /** A supplier link was not ready; the probe was not called ("supplier SUP not ready", or "returned -517"). */
        SUPPLIER_NOT_READY,
        /**
         * The driver core deferred after "probing driver" and before the driver's probe: "returned -517" (negative:
         * really_probe negates the driver's own errors, 517) without a deferral line; in 6.1 that is
         * pinctrl_bind_pins (a {@code pinctrl-N} supplier not bound yet) or the bus's DMA configuration.
         */
        DEFERRED_BY_CORE,
        /** The probe failed with an error ("probe of DEV failed with error -N"). */
        FAILED,
        /** The probe said the device is not its own (-ENODEV or -ENXIO: "rejects match"). */
        REJECTED,
        /** The log shows no outcome (it ends, or the next attempt starts, before one). */
        UNKNOWN
    }

    /** Whether the attempt deferred, for any reason. */
    public boolean deferred() {
        return outcome == Outcome.DEFERRED_BY_DRIVER || outcome == Outcome.SUPPLIER_NOT_READY
                || outcome == Outcome.DEFERRED_BY_CORE;
    }
}
