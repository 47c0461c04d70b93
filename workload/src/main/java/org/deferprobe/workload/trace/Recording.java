package org.deferprobe.workload.trace;

import java.util.List;
import org.deferprobe.engine.EngineEvents.Outcome;

/**
 * What a {@link RunRecorder} recorded: one lane per thread that did something, each with its events in the order
 * the thread made them. Immutable; times are {@code System.nanoTime()} values, {@link #startNanos} the run's
 * time zero (its first event, see {@link RunRecorder#recording()}).
 *
 * @param startNanos time zero
 * @param lanes      by lane id, which is the order in which the threads first did something
 */
public record Recording(long startNanos, List<Lane> lanes) {
    public Recording {
        lanes = List.copyOf(lanes);
    }

    /** What happened. */
    public enum Kind {
        /** A probe attempt, a slice: device, driver, outcome, detail = the deferral's reason (or null). */
        PROBE,
        /** A deferred pass, a slice. */
        PASS,
        /** fw_devlink deferred the device before its probe was called: device, driver, detail = the supplier. */
        SUPPLIER_DEFERRED,
        /** device, driver. */
        BOUND,
        /** device. */
        UNBOUND,
        /** device, resources: at its bind, or late (its driver's publishDelayMicros). */
        PUBLISHED,
        /** A trigger the deferred work acts on (M6). */
        TRIGGERED,
        /** device. */
        DEVICE_REGISTERED,
        /** device. */
        DEVICE_UNREGISTERED,
        /** driver. */
        DRIVER_REGISTERED,
        /** driver. */
        DRIVER_UNREGISTERED,
        /** late_initcall enabled deferred probing. */
        PROBING_ENABLED,
        /** The deferred_probe_timeout fired. */
        PROBE_TIMEOUT,
        /** "deferred probe pending" after the timeout: device, detail = reason. */
        PROBE_PENDING
    }

    /**
     * One event. Slices ({@link Kind#PROBE}, {@link Kind#PASS}) have {@code start <= end}; instants have
     * {@code start == end}. Fields a kind does not use are null.
     */
    public record Event(Kind kind, long start, long end, String device, String driver, String detail, Outcome outcome,
                        List<String> resources) {
        public boolean isSlice() {
            return kind == Kind.PROBE || kind == Kind.PASS;
        }
    }

    /** One thread's events, in its order. */
    public record Lane(int id, String thread, List<Event> events) {
        public Lane {
            events = List.copyOf(events);
        }
    }

    /**
     * The events that began at or after {@code nanos}, time zero moved to the first of them (a benchmark's warm-up
     * work on the same engine left out); lanes left empty are dropped.
     */
    public Recording since(long nanos) {
        List<Lane> kept = new java.util.ArrayList<>();
        long zero = Long.MAX_VALUE;
        for (Lane l : lanes) {
            List<Event> events = l.events().stream().filter(e -> e.start() >= nanos).toList();
            for (Event e : events) {
                zero = Math.min(zero, e.start());
            }
            if (!events.isEmpty()) {
                kept.add(new Lane(l.id(), l.thread(), events));
            }
        }
        return new Recording(zero == Long.MAX_VALUE ? nanos : zero, kept);
    }

    /** Every event of every lane. */
    public long eventCount() {
        return lanes.stream().mapToLong(l -> l.events().size()).sum();
    }

    /** The latest time anything ended, or {@link #startNanos} if nothing happened. */
    public long lastNanos() {
        long last = startNanos;
        for (Lane l : lanes) {
            for (Event e : l.events()) {
                last = Math.max(last, e.end());
            }
        }
        return last;
    }
}
