package org.deferprobe.engine;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lock-free engine, past the kernel: a probe that defers names the resource it waits for
 * ({@link Device#waitingFor}), the device is parked on that resource, and publishing the resource re-probes
 * only the devices parked there. A deferral without a named resource goes to the generic queue, retried on
 * every trigger. An explicit {@link #trigger()} still retries every deferred device, parked or not (M6).
 * Same guarantees as {@link LockFreeEngine}: no global lock, no lost probe, no lost wake-up, no deadlock.
 *
 * Implementation notes.
 * Per resource, a {@link Slot}: a lock-free parking queue and {@code published}, the number of bindings whose
 * publication of the resource this engine has seen and whose withdrawal it has not (maintained in
 * {@link #onPublished} and {@link #onWithdrawn}, after the shared {@link Resources} changed). Slots are made
 * on first use and never removed; each is also pushed on {@link #allSlots} so an explicit trigger can walk
 * them with sequentially consistent reads.
 * No lost wake-up (the per-resource M8): a consumer offers itself to the slot's queue and then reads
 * {@code published}; a publisher increments {@code published} and then drains the queue. All four are
 * sequentially consistent, so either the consumer sees the increment and rescues itself
 * ({@link DeferredQueue#takeBack}), or the publisher's drain finds it. A consumer's failed check precedes its
 * offer, and a publisher's increment follows its publication, so a publication the check missed is always
 * one of the two cases. The same handshake with {@link #lastWakeAll} covers an explicit trigger that
 * happened while the probe ran; the wake-up of every parked device that an explicit trigger asks for is done
 * by the pass it queues ({@link #beforePass}), so a storm of explicit triggers costs one sweep per pass.
 * A woken device moves to the ready queue, drained by the next pass; the publisher's caller triggers (bind,
 * or a delayed publication), which queues that pass. Between leaving a parking queue and joining the ready
 * queue a device is on no queue (not flagged); a removal then finds nothing to dequeue and the pass finds the
 * device dead (M9).
 * Non-invariant: {@code published > 0} does not mean the resource is published now (a withdrawal may be
 * between its two steps); the only cost is a spurious retry.
 */
final class IndexedEngine extends LockFreeCore {
    /** One resource's parked devices and publication count. */
    static final class Slot {
        final String resource;
        final DeferredQueue parked;
        final AtomicInteger published = new AtomicInteger();
        /** The slot pushed on {@link #allSlots} before this one. */
        final Slot next;

        Slot(String resource, Slot next) {
            this.resource = resource;
            this.parked = new DeferredQueue("parked:" + resource, resource);
            this.next = next;
        }
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    /** Treiber stack of every slot ever made (never popped): what the sweep after an explicit trigger wakes. */
    private final AtomicReference<Slot> allSlots = new AtomicReference<>();
    /** Woken devices, retried by the next pass before the generic queue. */
    private final DeferredQueue ready = new DeferredQueue("ready", null);
    /** The trigger count of the latest explicit trigger (they wake every parked device). */
    private final AtomicLong lastWakeAll = new AtomicLong(-1);
    /** The lastWakeAll the latest sweep served; pass-confined (one pass at a time), volatile for hand-offs. */
    private volatile long sweptUpTo = -1;
    private final DeferredQueue[] passQueues = {ready, generic};

    IndexedEngine(EngineConfig config) {
        super(EngineType.INDEXED.engineName(), config);
    }

    /** Test-only: a given executor (jcstress runs its tasks on its actors) and deliberate flaws. */
    IndexedEngine(EngineConfig config, ThreadPoolExecutor executor, Set<TestFlaw> flaws) {
        super(EngineType.INDEXED.engineName() + (flaws.isEmpty() ? "" : "-flawed" + flaws), config, executor, flaws);
    }

    @Override
    DeferredQueue[] passQueues() {
        return passQueues;
    }

    private Slot slot(String resource) {
        Slot s = slots.get(resource);
        return s != null ? s : slots.computeIfAbsent(resource, this::newSlot);
    }

    /** Runs once per resource (inside computeIfAbsent): the slot is on allSlots before anyone can use it. */
    private Slot newSlot(String resource) {
        for (;;) {
            Slot head = allSlots.get();
            Slot s = new Slot(resource, head);
            if (allSlots.compareAndSet(head, s)) {
                return s;
            }
        }
    }

    /** Parks on the named resource, or falls back to the generic queue (M5 either way). */
    @Override
    void deferredAdd(Device d) {
        String r = d.waitingFor;
        if (r == null) {
            generic.add(d);
        } else {
            slot(r).parked.add(d); // linearization point: the offer, before afterDefer's reads
        }
    }

    /** M8 per resource: rescue a device whose resource, or an explicit trigger, came after its check. */
    @Override
    void afterDefer(Device d, long triggersBefore) {
        if (flaws.contains(TestFlaw.NO_RECHECK_AFTER_DEFER)) {
            return;
        }
        DeferredQueue.Node n = d.queuedNode;
        if (n == null || n.queue.resource == null) {
            if (n != null && n.queue == generic) {
                super.afterDefer(d, triggersBefore); // the kernel's M8 for the generic queue
            }
            return; // already woken to ready, or removed
        }
        Slot s = slots.get(n.queue.resource);
        boolean missed = s.published.get() > 0 // a publication after the check: its drain may have missed us
                || lastWakeAll.get() > triggersBefore; // an explicit trigger since the probe began
        if (missed && n.queue.takeBack(n)) {
            ready.add(d);
            triggerInternal();
        }
    }

    /** Wakes the devices parked on each provided resource; the caller triggers next (bind, publishLater). */
    @Override
    void onPublished(Device d, List<String> names) {
        for (String r : names) {
            Slot s = slot(r);
            s.published.incrementAndGet(); // linearization point: consumers parking from now on see it
            wake(s);
        }
    }

    @Override
    void onWithdrawn(Device d, List<String> names) {
        for (String r : names) {
            slot(r).published.decrementAndGet();
        }
    }

    private void wake(Slot s) {
        for (Device x; (x = s.parked.poll()) != null; ) {
            ready.add(x);
        }
    }

    /**
     * An explicit trigger (M6): every deferred device is retried, parked ones included. O(1) and allocation
     * free: the wake-up of every parking queue is left to the pass it queues, and coalesces there.
     */
    @Override
    public void trigger() {
        ensureOpen();
        triggerEverything();
    }

    /** An explicit trigger, or late_initcall's and the timeout's: wakes the parked devices too, in the pass. */
    @Override
    void triggerEverything() {
        if (!deferredProbingEnabled()) {
            return; // driver_deferred_probe_trigger before late_initcall
        }
        long t = countTrigger();
        lastWakeAll.accumulateAndGet(t, Math::max); // a consumer parking after this sees t (and rescues itself)
        schedulePass(); // release: the pass reads lastWakeAll after this
    }

    /**
     * The pass's share of explicit triggers: if one came since the last sweep, move every parked device to
     * the ready queue. A device parked before the trigger's write of lastWakeAll is swept here (the pass
     * starts after the trigger's schedule); one parked after it rescued itself in {@link #afterDefer}.
     */
    @Override
    void beforePass() {
        long w = lastWakeAll.get();
        if (w > sweptUpTo) {
            sweptUpTo = w;
            for (Slot s = allSlots.get(); s != null; s = s.next) {
                wake(s);
            }
        }
    }

    /** Parked devices per resource (M14 for this engine); racy, for snapshots. */
    @Override
    Map<String, Integer> parkedCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Slot s = allSlots.get(); s != null; s = s.next) {
            int n = s.parked.liveCount();
            if (n > 0) {
                String supplier = DeviceLinks.supplierOf(s.resource);
                counts.put(supplier == null ? s.resource : "supplier " + supplier, n);
            }
        }
        return Collections.unmodifiableMap(counts);
    }
}
