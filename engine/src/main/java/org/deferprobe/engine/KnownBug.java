package org.deferprobe.engine;

/** The known bugs of docs/model.md that an engine type may have on purpose (B5 is a probe's, not an engine's). */
public enum KnownBug {
    /**
     * A deferred device is never probed again though its driver is registered. Two windows (seed 000): the 2012
     * one, a deferred retry run before the driver joined the bus's driver list (racy-2012); the 2014 one, a
     * trigger between a probe's check and its deferral, without the M8 recheck (racy-2014).
     */
    B1_LOST_PROBE,
    /** A resource published after its provider's probe returned does not trigger. Seeds 001/002. */
    B2_LATE_RESOURCE,
    /** A device removed while its async attach is scheduled is bound afterwards (no M9 fence). Seed 003. */
    B3_REMOVE_VS_ASYNC,
    /** A probe that registers a driver deadlocks (device locks taken for matching). Seed 004. */
    B4_PROBE_REGISTERS_DRIVER,
    /**
     * A probe that never returns makes later driver registrations on its bus hang: the revert's main reason in
     * seed 004 (Danilo Krummrich's case 1) for locking-2026; for the global-lock baseline, by construction (its one
     * lock is held across every probe, so nothing moves while one sleeps).
     */
    STUCK_PROBE_BLOCKS_REGISTRATION
}
