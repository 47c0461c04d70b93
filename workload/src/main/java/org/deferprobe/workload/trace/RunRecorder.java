package org.deferprobe.workload.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.deferprobe.engine.EngineEvents;

/**
 * Records what an engine's driver core does, thread by thread, for a trace ({@link ChromeTrace}), a timeline
 * ({@link TimelineHtml}) or an explanation: give it to the run's {@code EngineConfig.withEvents}, and read
 * {@link #recording()} once the run is over.
 *
 * <p>Thread safety: every event method may be called by any thread, concurrently with every other and with
 * {@link #recording()}. A thread appends only to its own lane, without a lock: the engine's threads never wait for
 * each other here (EngineEvents' rule: quick, never blocking). {@link #recording()} may be called at any time from
 * any thread and sees of each lane a prefix of what its thread appended; after the run's quiescence (whose
 * awaitQuiescence is the happens-before edge from the engine's threads) it sees every completed event. A probe or
 * a pass that never ended (a run ended by its watchdog) is not in it.
 *
 * Implementation notes.
 * Invariants:
 *  - a lane is written by one thread only, its owner ({@link #lane}, a ThreadLocal of this recorder), and read by
 *    any; its events are in the order its thread made them, so its slices nest as that thread's calls did;
 *  - an event is published by the volatile write of its chunk's count, after the event was stored (release); a
 *    reader reads the count (acquire), then only the slots below it; a full chunk's successor is published by
 *    the volatile write of {@code next}, after its first event and count were stored and after the full chunk's
 *    count reached its size; a reader reads {@code next} before the count, so it never skips a slot;
 *  - a probe attempt or a pass is appended once, when it ends, with the start time its thread kept on its own stack
 *    of open slices (thread-confined, never read by another thread); EngineEvents promises the end on the same
 *    thread as the start.
 * Not an invariant: the order of events across lanes; timestamps ({@code System.nanoTime()}, monotonic across
 * threads) order them.
 */
public final class RunRecorder implements EngineEvents {
    private final long startNanos = System.nanoTime();
    private final AtomicInteger lanesMade = new AtomicInteger();
    /** Every lane, in order of creation (its thread's first event). */
    private final ConcurrentLinkedQueue<Lane> lanes = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Lane> lane = ThreadLocal.withInitial(this::newLane);

    private Lane newLane() {
        Lane l = new Lane(lanesMade.incrementAndGet(), Thread.currentThread().getName());
        lanes.add(l); // release: the lane's fields to readers that find it
        return l;
    }

    /**
     * What has been recorded so far: every lane's events, in its thread's order. Time zero is the first event's
     * (the run's first step: its first registration), or the recorder's creation if nothing happened: the first
     * run of a JVM spends a long while loading classes between the two.
     */
    public Recording recording() {
        List<Recording.Lane> out = new ArrayList<>();
        long zero = Long.MAX_VALUE;
        for (Lane l : lanes) {
            List<Recording.Event> events = l.read();
            for (Recording.Event e : events) {
                zero = Math.min(zero, e.start());
            }
            out.add(new Recording.Lane(l.id, l.thread, events));
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new Recording(zero == Long.MAX_VALUE ? startNanos : zero, out);
    }

    // ---------------------------------------------------------------- events

    private void instant(Recording.Kind kind, String device, String driver, String detail, List<String> resources) {
        long now = System.nanoTime();
        lane.get().append(new Recording.Event(kind, now, now, device, driver, detail, null, resources));
    }

    @Override
    public void deviceRegistered(String device) {
        instant(Recording.Kind.DEVICE_REGISTERED, device, null, null, null);
    }

    @Override
    public void deviceUnregistered(String device) {
        instant(Recording.Kind.DEVICE_UNREGISTERED, device, null, null, null);
    }

    @Override
    public void driverRegistered(String driver) {
        instant(Recording.Kind.DRIVER_REGISTERED, null, driver, null, null);
    }

    @Override
    public void driverUnregistered(String driver) {
        instant(Recording.Kind.DRIVER_UNREGISTERED, null, driver, null, null);
    }

    @Override
    public void probeStarted(String device, String driver) {
        lane.get().open.push(new Open(device, System.nanoTime()));
    }

    @Override
    public void probeEnded(String device, String driver, Outcome outcome, String reason) {
        long now = System.nanoTime();
        Lane l = lane.get();
        Open o = l.open.poll();
        long start = o != null && device.equals(o.device) ? o.start : now; // never otherwise: EngineEvents' contract
        l.append(new Recording.Event(Recording.Kind.PROBE, start, now, device, driver, reason, outcome, null));
    }

    @Override
    public void supplierDeferred(String device, String driver, String supplier) {
        instant(Recording.Kind.SUPPLIER_DEFERRED, device, driver, supplier, null);
    }

    @Override
    public void bound(String device, String driver) {
        instant(Recording.Kind.BOUND, device, driver, null, null);
    }

    @Override
    public void unbound(String device) {
        instant(Recording.Kind.UNBOUND, device, null, null, null);
    }

    @Override
    public void published(String device, List<String> resources) {
        instant(Recording.Kind.PUBLISHED, device, null, null, List.copyOf(resources));
    }

    @Override
    public void triggered() {
        instant(Recording.Kind.TRIGGERED, null, null, null, null);
    }

    @Override
    public void passStarted() {
        lane.get().open.push(new Open(null, System.nanoTime()));
    }

    @Override
    public void passEnded() {
        long now = System.nanoTime();
        Lane l = lane.get();
        Open o = l.open.poll();
        long start = o != null && o.device == null ? o.start : now;
        l.append(new Recording.Event(Recording.Kind.PASS, start, now, null, null, null, null, null));
    }

    @Override
    public void deferredProbingEnabled() {
        instant(Recording.Kind.PROBING_ENABLED, null, null, null, null);
    }

    @Override
    public void deferredProbeTimeout() {
        instant(Recording.Kind.PROBE_TIMEOUT, null, null, null, null);
    }

    @Override
    public void deferredProbePending(String device, String reason) {
        instant(Recording.Kind.PROBE_PENDING, device, null, reason, null);
    }

    // ---------------------------------------------------------------- lanes

    /** A slice begun and not ended on the lane's thread: a probe of {@code device}, or a pass (null). */
    private record Open(String device, long start) {
    }

    /** One thread's events: single writer (the thread), many readers. */
    private static final class Lane {
        private static final int CHUNK = 512;
        final int id;
        final String thread;
        /** The thread's open slices, innermost first; thread-confined. */
        final ArrayDeque<Open> open = new ArrayDeque<>();
        private final Chunk head = new Chunk();
        /** The chunk being filled; written and read by the owner only. */
        private Chunk tail = head;

        Lane(int id, String thread) {
            this.id = id;
            this.thread = thread;
        }

        /** Owner only. */
        void append(Recording.Event e) {
            Chunk t = tail;
            int n = t.count;
            if (n < CHUNK) {
                t.items[n] = e;
                t.count = n + 1; // release: publishes items[n]
                return;
            }
            Chunk c = new Chunk();
            c.items[0] = e;
            c.count = 1;
            t.next = c; // release: publishes the new chunk with its first event
            tail = c;
        }

        /** Any thread: the events published so far, in order. */
        List<Recording.Event> read() {
            List<Recording.Event> out = new ArrayList<>();
            for (Chunk c = head; c != null; ) {
                // next before count: a non-null next was written after this chunk's count reached CHUNK, so the
                // count read after it is CHUNK and no slot is skipped; with a null next this is the last chunk read
                Chunk next = c.next; // acquire
                int n = c.count; // acquire: the slots below n are stored
                for (int i = 0; i < n; i++) {
                    out.add(c.items[i]);
                }
                c = next;
            }
            return out;
        }
    }

    private static final class Chunk {
        final Recording.Event[] items = new Recording.Event[Lane.CHUNK];
        volatile int count;
        volatile Chunk next;
    }
}
