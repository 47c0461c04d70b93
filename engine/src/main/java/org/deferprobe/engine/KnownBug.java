package org.deferprobe.engine;

/** The known bugs of docs/model.md that an engine type may have on purpose (B5 is a probe's, not an engine's). */
public enum KnownBug {
    /** A trigger between a probe's start and its deferral is lost (no M8 recheck). Seed 000. */
    B1_LOST_PROBE,
    /** A resource published after its provider's probe returned does not trigger. Seeds 001/002. */
    B2_LATE_RESOURCE,
    /** A device removed while its async attach is scheduled is bound afterwards (no M9 fence). Seed 003. */
    B3_REMOVE_VS_ASYNC,
    /** A probe that registers a driver deadlocks (device locks taken for matching). Seed 004. */
    B4_PROBE_REGISTERS_DRIVER
}
