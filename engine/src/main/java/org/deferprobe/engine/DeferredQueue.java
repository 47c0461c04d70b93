package org.deferprobe.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A lock-free queue of deferred devices: the lock-free engines' deferred_probe_pending_list without
 * deferred_probe_mutex, and the indexed engine's per-resource parking queues.
 *
 * <p>Any thread may {@link #add}, {@link #remove} and {@link #poll} at any time, without blocking. At most one
 * thread at a time drains up to a marker ({@link #mark}, {@link #pollUntil}): the engines' single deferred
 * pass, which the coalescing work item serializes. Happens-before: an {@code add} happens-before the
 * {@code poll} or {@code pollUntil} that returns its device.
 *
 * Implementation notes.
 * A device is queued through a {@link Node}, a fresh one per enqueue. {@link Device#queuedNode} is the
 * device's on-list flag: the one live node that queues it, or null (M5: a device is queued at most once,
 * on at most one queue).
 * Ownership: whoever CASes {@code queuedNode} from a node n to null owns n. A drainer that owns n retries
 * the device; a remover (unregistration, bind) that owns it has taken the device off. A node still in the
 * queue whose device's {@code queuedNode} is no longer that node is stale: drainers skip it, and the
 * remover unlinks it, so stale nodes never accumulate.
 * Linearization points: add, the CAS of {@code queuedNode} from null (for other adders and removers) and
 * the offer into the queue (for drainers; both sequentially consistent, so an adder that then reads a
 * sequentially consistent counter sees what a drainer that reads the queue afterwards missed, see M8);
 * remove, the getAndSet of {@code queuedNode} to null; poll, the CAS of {@code queuedNode} to null.
 * Non-invariant: between its two linearization points an added device is flagged but not yet in the
 * queue; a drainer that runs then misses it, which is why callers re-check a counter after adding.
 */
final class DeferredQueue {
    /** One enqueue of a device, or a drain marker (no device). */
    static final class Node {
        final Device device;
        final DeferredQueue queue;

        Node(Device device, DeferredQueue queue) {
            this.device = device;
            this.queue = queue;
        }

        @Override
        public String toString() {
            return device == null ? "<marker>" : device.name + "@" + queue.name;
        }
    }

    private static final VarHandle QUEUED_NODE;

    static {
        try {
            QUEUED_NODE = MethodHandles.lookup().findVarHandle(Device.class, "queuedNode", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** For reports: "generic", "ready", or the resource a parking queue waits for. */
    final String name;
    /** The resource devices on this queue wait for, or null for a queue not tied to one. */
    final String resource;
    private final ConcurrentLinkedQueue<Node> nodes = new ConcurrentLinkedQueue<>();
    /** Only with {@link TestFlaw#QUEUE_CLAIM_WITHOUT_CAS}: the Lincheck test's flawed variant. */
    private final boolean claimWithoutCas;

    DeferredQueue(String name, String resource) {
        this(name, resource, Set.of());
    }

    /** Test-only: with deliberate flaws. */
    DeferredQueue(String name, String resource, Set<TestFlaw> flaws) {
        this.name = name;
        this.resource = resource;
        this.claimWithoutCas = flaws.contains(TestFlaw.QUEUE_CLAIM_WITHOUT_CAS);
    }

    /**
     * Queues a device that is on no queue (M5).
     *
     * @return its node, or null if the device is already queued (here or elsewhere)
     */
    Node add(Device d) {
        Node n = new Node(d, this);
        if (claimWithoutCas) {
            if (d.queuedNode != null) { // the flaw: check, then set; two adders can both pass the check
                return null;
            }
            d.queuedNode = n;
        } else if (!QUEUED_NODE.compareAndSet(d, null, n)) { // linearization point for adders and removers
            return null;
        }
        nodes.offer(n); // linearization point for drainers: a sequentially consistent CAS
        if (d.queuedNode != n) {
            nodes.remove(n); // a remover owned it between the CAS and the offer: unlink the stale node
        }
        return n;
    }

    /** Takes a device off whatever queue holds it (list_del_init); false if it was on none. */
    static boolean remove(Device d) {
        Node n = (Node) QUEUED_NODE.getAndSet(d, null); // linearization point
        if (n == null) {
            return false;
        }
        n.queue.nodes.remove(n); // may miss a node not yet offered: its adder unlinks it
        return true;
    }

    /** Takes back a node its adder still owns (the indexed engine's rescue); false if someone took it. */
    boolean takeBack(Node n) {
        if (!QUEUED_NODE.compareAndSet(n.device, n, null)) {
            return false;
        }
        nodes.remove(n);
        return true;
    }

    /** The next queued device, taken off; null when none is left. Any number of concurrent callers. */
    Device poll() {
        for (Node n; (n = nodes.poll()) != null; ) {
            if (n.device != null && QUEUED_NODE.compareAndSet(n.device, n, null)) { // linearization point
                return n.device;
            }
        }
        return null;
    }

    /** Appends a drain marker: {@link #pollUntil} returns the devices queued before it. One drainer only. */
    Node mark() {
        Node marker = new Node(null, this);
        nodes.offer(marker);
        return marker;
    }

    /**
     * The next device queued before {@code marker}, taken off; null once the marker is reached (and
     * consumed). A device added after the marker waits for the next drain, as a device that defers during
     * the kernel's deferred pass waits on the pending list for the next trigger.
     */
    Device pollUntil(Node marker) {
        for (Node n; (n = nodes.poll()) != null; ) {
            if (n == marker) {
                return null;
            }
            if (n.device != null && QUEUED_NODE.compareAndSet(n.device, n, null)) { // linearization point
                return n.device;
            }
            // stale node, or a marker an aborted drain left behind: skip
        }
        return null;
    }

    /** How many devices are queued here now; racy, for snapshots. */
    int liveCount() {
        int count = 0;
        for (Node n : nodes) {
            if (n.device != null && n.device.queuedNode == n) {
                count++;
            }
        }
        return count;
    }

    /** True if this queue holds the node (live or stale); for tests. */
    boolean holds(Node n) {
        return nodes.contains(n);
    }

    /** The devices of the nodes in this queue, live or stale, in order; for tests. */
    java.util.List<Node> nodesForTest() {
        return java.util.List.copyOf(nodes);
    }

    /** True if the device is queued on some queue now; racy, for tests and snapshots. */
    static boolean isQueued(Device d) {
        return d.queuedNode != null;
    }
}
