package org.deferprobe.engine;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The synchronization the lock-free and indexed engines share: no global lock on any path. A device's own
 * lock is the only lock a probe holds; the deferred lists are lock-free {@link DeferredQueue}s; a trigger is
 * one atomic increment and one {@link CoalescingWork#schedule()}.
 *
 * <p>Progress: registrations, unregistrations and triggers block only on the locks of the devices they
 * touch (a device matching the driver being registered, the device being removed), never on an unrelated
 * device's probe and never on a list lock. Deadlock freedom: a thread holds at most one device lock at a
 * time, because what a probe's registrations would lock is postponed until the probing thread has released its
 * device's lock: the bus walk of a driver it registers (M11), the attach of a device it registers and the
 * detach of a device its error path or unbind unregisters (M16). The registrations themselves (names and the
 * match index) happen at once, so a child device's name is free again as soon as its parent's probe returns.
 *
 * Implementation notes.
 * Invariants:
 *  - (one lock) a thread holds at most one device lock; {@link Held#depth} counts the holds (reentrant
 *    acquisitions included) and is 0 whenever the thread runs a postponed action.
 *  - (M13) a postponed action (walk, attach, detach) is outstanding work from the moment it is postponed (inside
 *    the probe, which is outstanding itself) until it has run, so the work count cannot reach zero in between.
 *  - (order) a thread runs its postponed actions in the order they were postponed, so a child's detach never
 *    runs before its attach; actions postponed while they run are appended and run in the same drain.
 *  - (M16) a child device leaves the registry under its parent's lock; only its detach (fence, unbind) waits,
 *    so a retry of the parent (which needs the parent's lock) can register a new child of the same name.
 *  - (M5) a deferred device is on at most one {@link DeferredQueue}, flagged by {@link Device#queuedNode}.
 * Linearization points: a trigger, the increment of {@link #triggerCount}; a deferral, the offer into the
 * deferred queue; a pass's view of the pending devices, its marker ({@link DeferredQueue#mark}).
 * M8 without the kernel's mutex: the probe reads {@link #triggerCount} before calling the driver; after a
 * deferral the device is offered to the queue and the count is read again. Offer and reads are sequentially
 * consistent, so for every trigger T either the re-read sees T's increment (and the deferring thread
 * triggers again) or T's increment, and so T's pass marker, comes after the offer (and that pass retries
 * the device).
 * M7: one pass at a time (the coalescing work item); it drains each of {@link #passQueues()} up to a marker
 * it appends at its start, so a device that defers again during the pass waits for the next trigger, as on
 * the kernel's pending list.
 * M9: removal marks the device dead under its lock; an async attach or a pass's retry takes the same lock
 * and rechecks (shared model). Removal also takes the device off its queue; a pass that already took it
 * finds it dead.
 */
abstract class LockFreeCore extends AbstractEngine {
    /**
     * Devices retried by every pass: for the lock-free engine every deferred device, for the indexed engine
     * those that deferred without naming a resource.
     */
    final DeferredQueue generic = new DeferredQueue("generic", null);
    /** deferred_probe_work. */
    final CoalescingWork deferredWork;
    /** Deliberate flaws for jcstress's broken variants; empty for every engine {@link EngineType} makes. */
    final Set<TestFlaw> flaws;
    /** Only with {@link TestFlaw#TRIGGER_SKIPS_RUNNING_PASS}: true while a pass runs. */
    private volatile boolean passRunning;
    /** Per thread: the device locks it holds and the bus walks postponed until it holds none (M11). */
    private final ThreadLocal<Held> held = ThreadLocal.withInitial(Held::new);

    /** One thread's device-lock depth and postponed actions; touched only by that thread. */
    private static final class Held {
        int depth;
        boolean draining;
        final ArrayDeque<Postponed> postponed = new ArrayDeque<>();
    }

    /** Something a probe's registration would lock, run once the thread holds no device lock. */
    private record Postponed(String what, Runnable action) {
    }

    LockFreeCore(String name, EngineConfig config, ThreadPoolExecutor executor, Set<TestFlaw> flaws) {
        super(name, config, executor);
        this.flaws = flaws.isEmpty() ? Set.of() : EnumSet.copyOf(flaws);
        this.deferredWork = new CoalescingWork(this::deferredPass, executor, work,
                t -> violation("engine-error", "deferred pass threw " + t));
    }

    LockFreeCore(String name, EngineConfig config) {
        super(name, config);
        this.flaws = Set.of();
        this.deferredWork = new CoalescingWork(this::deferredPass, executor, work,
                t -> violation("engine-error", "deferred pass threw " + t));
    }

    /** The queues a pass drains, in order. */
    abstract DeferredQueue[] passQueues();

    /** Called by the pass before it drains its queues; only one pass runs at a time. */
    void beforePass() {
    }

    // ---------------------------------------------------------------- device locks and M11

    @Override
    final void lockDevice(Device d) {
        locks.acquiring(LockObserver.DEVICE, d, true);
        d.lock.lock();
        locks.acquired(LockObserver.DEVICE, d);
        held.get().depth++;
    }

    @Override
    final void unlockDevice(Device d) {
        Held h = held.get();
        h.depth--;
        locks.released(LockObserver.DEVICE, d);
        d.lock.unlock();
        if (h.depth == 0 && !h.draining && !h.postponed.isEmpty()) {
            runPostponed(h);
        }
    }

    /** M11: a driver registered while this thread holds a device lock (from a probe) walks the bus later. */
    @Override
    final void attachRegisteredDriver(Driver drv) {
        if (!postpone("walk for driver " + drv.name, () -> driverAttach(drv))) {
            driverAttach(drv);
        }
    }

    /** M16: a device registered while this thread holds a device lock (from a probe) is attached later. */
    @Override
    final void attachRegisteredDevice(Device d) {
        if (!postpone("attach of " + d.name, () -> deviceAttach(d))) {
            deviceAttach(d);
        }
    }

    /** M16: a device unregistered while this thread holds a device lock (a probe's error path) is detached later. */
    @Override
    final void detachRemovedDevice(Device d, boolean releaseName) {
        if (!postpone("detach of " + d.name, () -> super.detachRemovedDevice(d, releaseName))) {
            super.detachRemovedDevice(d, releaseName);
        }
    }

    /** Postpones an action if this thread holds a device lock; false (nothing postponed) if it holds none. */
    private boolean postpone(String what, Runnable action) {
        Held h = held.get();
        if (h.depth == 0) {
            return false;
        }
        work.begin(); // M13: outstanding until run; begun inside the probe, which is outstanding itself
        h.postponed.addLast(new Postponed(what, action));
        return true;
    }

    /** Runs every postponed action in order, holding no device lock; actions postponed meanwhile too. */
    private void runPostponed(Held h) {
        h.draining = true;
        try {
            for (Postponed p; (p = h.postponed.pollFirst()) != null; ) {
                try {
                    p.action().run(); // takes one device lock at a time; a probe in it may postpone more
                } catch (Throwable t) {
                    violation("engine-error", p.what() + " threw " + t);
                } finally {
                    work.end();
                }
            }
        } finally {
            h.draining = false;
        }
    }

    @Override
    final void markDead(Device d) {
        if (!flaws.contains(TestFlaw.NO_REMOVAL_FENCE)) {
            super.markDead(d);
        }
    }

    // ---------------------------------------------------------------- deferral and trigger

    @Override
    final void deferredDel(Device d) {
        DeferredQueue.remove(d);
    }

    /** Counts a trigger (M6); the increment is the trigger's linearization point for M8. */
    final long countTrigger() {
        counters.triggers.increment();
        events.triggered();
        return triggerCount.incrementAndGet(); // linearization point: probes that read the count before re-check
    }

    /** driver_deferred_probe_trigger without the mutex: count, then queue the coalescing pass (once enabled). */
    @Override
    final void triggerInternal() {
        if (!deferredProbingEnabled()) {
            return;
        }
        countTrigger();
        schedulePass();
    }

    @Override
    final void flushDeferredWork() throws InterruptedException {
        deferredWork.flush();
    }

    /** M16's links: a consumer unbound by its supplier's unbind (with the supplier's lock held) is unbound later. */
    @Override
    final void unbindConsumer(Device consumer, Device supplier) {
        if (!postpone("unbind of " + consumer.name + ", consumer of " + supplier.name,
                () -> super.unbindConsumer(consumer, supplier))) {
            super.unbindConsumer(consumer, supplier);
        }
    }

    /** Queues a pass, or makes the running one run again (M7); never lost. */
    final void schedulePass() {
        if (flaws.contains(TestFlaw.TRIGGER_SKIPS_RUNNING_PASS) && passRunning) {
            return; // the flaw: "the running pass will see it", which a pass past its last device will not
        }
        deferredWork.schedule(); // release: what this thread did before happens-before the pass
    }

    /** M8 recheck; the flawed variant skips it. */
    @Override
    void afterDefer(Device d, long triggersBefore) {
        if (!flaws.contains(TestFlaw.NO_RECHECK_AFTER_DEFER)) {
            super.afterDefer(d, triggersBefore); // the re-read after the offer, both sequentially consistent
        }
    }

    /** deferred_probe_work_func: each pass queue drained up to the marker appended now. */
    private void deferredPass() {
        counters.passes.increment();
        events.passStarted();
        passRunning = true;
        try {
            beforePass();
            for (DeferredQueue q : passQueues()) {
                DeferredQueue.Node marker = q.mark(); // linearization point: this pass's view of q
                for (Device d; (d = q.pollUntil(marker)) != null; ) {
                    deviceAttach(d); // rechecks dead and bound under the device's lock (M9)
                }
            }
        } finally {
            passRunning = false;
            events.passEnded();
        }
    }
}
