package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model-checks {@link DeferredQueue} (M5): two queues (a pending queue that one drainer empties up to a
 * marker, as the deferred pass does, and a parking queue polled by anyone, as the indexed engine's wake-up
 * does) and three devices that are added to either, removed (unregistration, bind) and polled from every
 * thread. The queue is not linearizable as a whole, by design: an add has two linearization points (the CAS of
 * the device's flag, then the offer), and a poll between them misses the device, which is why the engines
 * re-check a counter after adding. So the operations return nothing and Lincheck's model checker explores their
 * interleavings against invariants checked at rest:
 * <ul>
 *   <li>ownership is conserved: per device, successful adds = successful removals + devices handed out by
 *       polls and drains + (1 if still flagged): no enqueue is claimed twice or lost;
 *   <li>a flagged device is on its queue exactly once and on no other (M5), and no stale node is left;
 *   <li>nothing is lost: a final drain of both queues hands out exactly the flagged devices.
 * </ul>
 * The flawed variant (a device claimed by check-then-set instead of a CAS) must be caught.
 */
class DeferredQueueLincheckTest {

    @Param(name = "device", gen = IntGen.class, conf = "0:2")
    abstract static class Ops {
        final Device[] devices = {device("a"), device("b"), device("c")};
        final DeferredQueue pending;
        final DeferredQueue parked;

        Ops(Set<TestFlaw> flaws) {
            pending = new DeferredQueue("pending", null, flaws);
            parked = new DeferredQueue("parked:r", "r", flaws);
        }

        private static Device device(String name) {
            return new Device(DeviceSpec.of(name));
        }

        /** Per device: successful adds, successful removals, and hand-outs by polls and drains. */
        final AtomicInteger[] added = counters();
        final AtomicInteger[] removed = counters();
        final AtomicInteger[] handedOut = counters();

        private static AtomicInteger[] counters() {
            return new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        }

        private int index(Device d) {
            return d.name.charAt(0) - 'a';
        }

        @Operation
        public void addPending(@Param(name = "device") int i) {
            if (pending.add(devices[i]) != null) {
                added[i].incrementAndGet();
            }
        }

        @Operation
        public void park(@Param(name = "device") int i) {
            if (parked.add(devices[i]) != null) {
                added[i].incrementAndGet();
            }
        }

        @Operation
        public void remove(@Param(name = "device") int i) {
            if (DeferredQueue.remove(devices[i])) {
                removed[i].incrementAndGet();
            }
        }

        /** The indexed engine's wake-up: anyone polls a parking queue. */
        @Operation
        public void pollParked() {
            Device d = parked.poll();
            if (d != null) {
                handedOut[index(d)].incrementAndGet();
            }
        }

        /** The deferred pass: one drainer at a time, up to the marker it appends. */
        @Operation(nonParallelGroup = "pass")
        public void drainPending() {
            DeferredQueue.Node marker = pending.mark();
            for (Device d; (d = pending.pollUntil(marker)) != null; ) {
                handedOut[index(d)].incrementAndGet();
            }
        }

        void atRest() {
            oneQueueAtMostOnce();
            for (Device d : devices) {
                int i = index(d);
                int flagged = d.queuedNode == null ? 0 : 1;
                if (added[i].get() != removed[i].get() + handedOut[i].get() + flagged) {
                    throw new IllegalStateException(d + ": " + added[i] + " adds, " + removed[i] + " removals, "
                            + handedOut[i] + " handed out, flagged " + flagged);
                }
            }
            drainPending();
            for (Device d; (d = parked.poll()) != null; ) {
                handedOut[index(d)].incrementAndGet();
            }
            for (Device d : devices) {
                int i = index(d);
                if (d.queuedNode != null || added[i].get() != removed[i].get() + handedOut[i].get()) {
                    throw new IllegalStateException(d + " not handed out by a final drain of both queues");
                }
            }
        }

        /** At rest: each flagged device is live on its queue exactly once and on no other; no stale node remains. */
        void oneQueueAtMostOnce() {
            for (Device d : devices) {
                DeferredQueue.Node n = d.queuedNode;
                int live = 0;
                for (DeferredQueue q : List.of(pending, parked)) {
                    for (DeferredQueue.Node m : q.nodesForTest()) {
                        if (m.device == d) {
                            if (m != n) {
                                throw new IllegalStateException("stale node of " + d + " left on " + q.name);
                            }
                            live++;
                        }
                    }
                }
                if (live != (n == null ? 0 : 1)) {
                    throw new IllegalStateException(d + " flagged " + n + " but on the queues " + live + " times");
                }
            }
        }
    }

    public static class Real extends Ops {
        public Real() {
            super(Set.of());
        }

        @Validate
        public void validate() {
            atRest();
        }
    }

    public static class ClaimWithoutCas extends Ops {
        public ClaimWithoutCas() {
            super(Set.of(TestFlaw.QUEUE_CLAIM_WITHOUT_CAS));
        }

        @Validate
        public void validate() {
            atRest();
        }
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(2)
                .minimizeFailedScenario(false)
                // the JDK collections are linearizable: their steps are not what is under test
                .addGuarantee(forClasses("java.util.concurrent.ConcurrentLinkedQueue").allMethods().treatAsAtomic());
    }

    @Test
    void noEnqueueIsClaimedTwiceOrLostAndADeviceIsQueuedAtMostOnce() {
        options().check(Real.class);
    }

    @Test
    void claimingWithoutACasIsCaught() {
        LincheckAssertionError caught = assertThrows(LincheckAssertionError.class,
                () -> options().check(ClaimWithoutCas.class));
        System.out.println("caught as expected:" + caught.getMessage().lines().limit(12).toList());
    }
}
