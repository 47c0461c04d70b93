package org.deferprobe.engine;

/**
 * The kernel's deferred-probe machinery (drivers/base/dd.c): a pending and an active list under one list
 * lock, an atomic trigger count, and one coalescing deferred work item that drains the active list.
 * Subclasses choose the locks: which one guards the lists and which one guards a device.
 *
 * Implementation notes.
 * Invariants, under the list lock: a device is on at most one of pending and active (M5, intrusive node);
 * a device is on a list only while its state is DEFERRED or a pass is about to retry it.
 * M7: a trigger splices pending onto active and then schedules the work; the work pops one device at a
 * time and retries it with the list lock released (deferred_probe_work_func), so a device that defers
 * again during the pass goes to pending and waits for the next trigger, and a trigger during the pass
 * makes the work run once more. M8 lives in {@link AbstractEngine#afterDefer}.
 */
abstract class DeferredListsEngine extends AbstractEngine {
    /** deferred_probe_pending_list: deferred devices waiting for the next trigger. */
    private final DeviceList pending = new DeviceList();
    /** deferred_probe_active_list: devices the queued or running pass will retry. */
    private final DeviceList active = new DeviceList();
    /** deferred_probe_work. */
    private final CoalescingWork deferredWork;

    DeferredListsEngine(String name, EngineConfig config) {
        super(name, config);
        this.deferredWork = new CoalescingWork(this::deferredPass, executor, work,
                t -> violation("engine-error", "deferred pass threw " + t));
    }

    /** Takes the lock that guards the pending and active lists (deferred_probe_mutex). */
    abstract void lockLists();

    abstract void unlockLists();

    @Override
    void deferredAdd(Device d) {
        lockLists();
        try {
            if (!DeviceList.isListed(d)) {
                pending.addLast(d);
            }
        } finally {
            unlockLists();
        }
    }

    @Override
    void deferredDel(Device d) {
        lockLists();
        try {
            DeviceList.unlink(d);
        } finally {
            unlockLists();
        }
    }

    /** driver_deferred_probe_trigger: nothing at all until deferred probing is enabled (late_initcall). */
    @Override
    void triggerInternal() {
        if (!deferredProbingEnabled()) {
            return;
        }
        counters.triggers.increment();
        events.triggered();
        lockLists();
        try {
            triggerCount.incrementAndGet();
            pending.spliceTailInto(active);
        } finally {
            unlockLists();
        }
        deferredWork.schedule();
    }

    @Override
    void flushDeferredWork() throws InterruptedException {
        deferredWork.flush();
    }

    /** deferred_probe_work_func: retries every active device, the list lock released around each attach. */
    private void deferredPass() {
        counters.passes.increment();
        events.passStarted();
        try {
            pass();
        } finally {
            events.passEnded();
        }
    }

    private void pass() {
        beginOperation();
        try {
            lockLists();
            try {
                Device d;
                while ((d = active.pollFirst()) != null) {
                    unlockLists();
                    try {
                        deviceAttach(d);
                    } finally {
                        lockLists();
                    }
                }
            } finally {
                unlockLists();
            }
        } finally {
            endOperation();
        }
    }

    /** The devices on the lists, for tests: pending then active. */
    int listedCount() {
        lockLists();
        try {
            return pending.size() + active.size();
        } finally {
            unlockLists();
        }
    }
}
