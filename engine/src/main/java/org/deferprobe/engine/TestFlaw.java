package org.deferprobe.engine;

/**
 * Test-only: one deliberate flaw in the lock-free engines' synchronization, so that the jcstress tests can
 * prove they bite (each must observe its forbidden outcome on the flawed variant). Never set by
 * {@link EngineType}; only the package-private constructors of the lock-free engines accept a set of them.
 */
enum TestFlaw {
    /** B1 / lost wake-up: no recheck after a deferral (no M8 trigger-count recheck, no rescue after parking). */
    NO_RECHECK_AFTER_DEFER,
    /** A trigger that sees a deferred pass running assumes the pass will see its work, and queues nothing. */
    TRIGGER_SKIPS_RUNNING_PASS,
    /** B3: unregistering a device does not mark it dead, so a scheduled attach still binds it (no M9 fence). */
    NO_REMOVAL_FENCE
}
