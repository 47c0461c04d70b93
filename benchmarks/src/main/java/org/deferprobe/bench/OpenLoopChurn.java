package org.deferprobe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;

/**
 * Background registrants for TriggerLatency: each thread registers and removes one unrelated device (with a
 * short probe) at a fixed rate, open loop: a slot missed because the engine was slow is dropped, not made up
 * in a burst, so the offered load is the same for every engine and does not merely saturate both cores.
 * With no engine (the floor) the threads wake at the same rate and do nothing, so the floor pays the same
 * scheduler load.
 */
final class OpenLoopChurn {
    static final String DRIVER = "churn";
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder done = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean stop;

    /** Adds the churn driver (sync, 1 us of CPU in probe) to a real engine; call before {@link #start}. */
    static void registerDriver(Engine engine) {
        engine.registerDriver(DriverSpec.of(DRIVER).withSpinMicros(1));
    }

    /**
     * @param engine     null for the floor
     * @param count      threads
     * @param perSecond  register-and-remove cycles per second per thread
     */
    void start(Engine engine, int count, int perSecond) {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
        for (int i = 0; i < count; i++) {
            DeviceSpec spec = DeviceSpec.of("churn-" + i).withCompatible(DRIVER);
            long phase = periodNanos * i / Math.max(1, count); // spread the threads over one period
            Thread t = new Thread(() -> loop(engine, spec, periodNanos, phase), "registrant-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(Engine engine, DeviceSpec spec, long periodNanos, long phase) {
        long next = System.nanoTime() + phase;
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
            next += periodNanos;
            long now = System.nanoTime();
            if (now - next > periodNanos) { // behind by more than a slot: drop the missed slots
                long missed = (now - next) / periodNanos;
                dropped.add(missed);
                next += missed * periodNanos;
            }
        }
    }

    long cycles() {
        return done.sum();
    }

    long dropped() {
        return dropped.sum();
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
