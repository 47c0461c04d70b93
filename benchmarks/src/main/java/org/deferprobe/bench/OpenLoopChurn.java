package org.deferprobe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;

/**
 * Background registrants for TriggerLatency: {@code count} threads share a fixed total rate of
 * register-and-remove cycles of unrelated devices (each thread {@code total / count} cycles a second, the
 * threads' phases spread over one period), so the registrant count measures concurrency, not load.
 *
 * <p>Open loop without dropping: each thread has a fixed schedule; a thread that falls behind (the engine was
 * slow) runs its late cycles back to back until it is on schedule again, so every engine is offered the same
 * load, and a slow engine shows as achieved below offered ({@link #cycles()} against {@link #due}) and as a
 * backlog of late cycles, not as a lighter load. With no engine (the floor) the threads wake on the same schedule and do nothing, so the floor
 * pays the same scheduler load.
 */
final class OpenLoopChurn {
    static final String DRIVER = "churn";
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder done = new LongAdder();
    private volatile boolean stop;
    private long startNanos;
    private double totalPerSecond;

    /** Adds the churn driver (sync, 1 us of CPU in probe) to a real engine; call before {@link #start}. */
    static void registerDriver(Engine engine) {
        engine.registerDriver(DriverSpec.of(DRIVER).withSpinMicros(1));
    }

    /**
     * Starts the threads (before anything is timed).
     *
     * @param engine         null for the floor
     * @param count          threads
     * @param totalPerSecond register-and-remove cycles per second over all threads
     */
    void start(Engine engine, int count, double totalPerSecond) {
        if (count == 0) {
            return;
        }
        if (!(totalPerSecond > 0)) {
            throw new IllegalStateException("churnTotal=" + totalPerSecond + " must be positive with " + count + " registrants");
        }
        this.totalPerSecond = totalPerSecond;
        long periodNanos = Math.round(1e9 * count / totalPerSecond);
        startNanos = System.nanoTime() + 1_000_000;
        for (int i = 0; i < count; i++) {
            DeviceSpec spec = DeviceSpec.of("churn-" + i).withCompatible(DRIVER);
            long first = startNanos + periodNanos * i / count; // spread the threads over one period
            Thread t = new Thread(() -> loop(engine, spec, periodNanos, first), "registrant-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(Engine engine, DeviceSpec spec, long periodNanos, long first) {
        long next = first;
        while (!stop) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (engine != null) {
                try {
                    engine.registerDevice(spec);
                    engine.unregisterDevice(spec.name());
                } catch (RuntimeException e) { // the engine closed under us at teardown: stop quietly
                    return;
                }
            }
            done.increment();
            next += periodNanos; // late or not: the schedule never moves, late cycles run back to back
        }
    }

    /** Cycles completed so far. */
    long cycles() {
        return done.sum();
    }

    /** Cycles the schedule has offered from the start until {@code nanos} (System.nanoTime), over all threads. */
    double due(long nanos) {
        return threads.isEmpty() || nanos <= startNanos ? 0 : totalPerSecond * (nanos - startNanos) / 1e9;
    }

    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
            t.join(10_000);
        }
        threads.clear();
    }
}
