package org.deferprobe.engine;

/** The state of a device as a snapshot reports it (model entities). */
public enum DeviceState {
    /** Registered, no driver bound, not waiting on the deferred lists (no matching driver, or not tried yet). */
    UNBOUND,
    /** A probe of it is running. */
    PROBING,
    /** Bound to a driver. */
    BOUND,
    /** On the deferred lists (the kernel's devices_deferred), waiting for a trigger. */
    DEFERRED,
    /** Its last probe returned a hard error. */
    FAILED,
    /** Unregistered. */
    DEAD
}
