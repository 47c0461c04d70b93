package org.deferprobe.engine;

/**
 * Test-only: one deliberate flaw each in the lock-free engines' synchronization or in a primitive, so that the
 * jcstress and Lincheck tests can prove they bite (each must observe its forbidden outcome on the flawed
 * variant). Never set by {@link EngineType}; only package-private test constructors accept a set of them.
 */
enum TestFlaw {
    /** B1 / lost wake-up: no recheck after a deferral (no M8 trigger-count recheck, no rescue after parking). */
    NO_RECHECK_AFTER_DEFER,
    /** A trigger that sees a deferred pass running assumes the pass will see its work, and queues nothing. */
    TRIGGER_SKIPS_RUNNING_PASS,
    /** B3: unregistering a device does not mark it dead, so a scheduled attach still binds it (no M9 fence). */
    NO_REMOVAL_FENCE,

    // ---- flaws of the primitives, for their Lincheck tests (each must be caught there)

    /** DeferredQueue: a device is claimed for a queue by check-then-set instead of a CAS (M5 broken). */
    QUEUE_CLAIM_WITHOUT_CAS,
    /** CoalescingWork: the IDLE to QUEUED CAS before the count, as before issue 9 (M13 broken). */
    WORK_QUEUED_BEFORE_COUNTED,
    /** Registry: no re-check after indexing, as before issue 9 (a removal overtaking it leaves an index leak). */
    INDEX_WITHOUT_RECHECK
}
