package org.deferprobe.engine;

/** What an attempt to probe a device with a driver came to (M4). */
enum ProbeOutcome {
    /** The probe was not called: the device is dead or bound, or the driver is gone. */
    NOT_CALLED,
    BOUND,
    DEFERRED,
    FAILED
}
