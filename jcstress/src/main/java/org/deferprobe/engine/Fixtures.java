package org.deferprobe.engine;

import java.util.List;
import java.util.Set;

/**
 * The three two-actor races of issue 3, each set up on a fresh engine whose executor is an
 * {@link ManualExecutor}. Shared by the real-engine tests and the flawed variants, which differ only in the
 * engine they build.
 */
final class Fixtures {
    /**
     * The consumer's driver: its probe spins 1 us between its requirement check and its return, the window of
     * seed 000's lost probe, so the races below land in it more often.
     */
    static final DriverSpec CONSUMER = DriverSpec.of("c").withSpinMicros(1);

    private Fixtures() {
    }

    static AbstractEngine engine(EngineType type, ManualExecutor ex, Set<TestFlaw> flaws) {
        EngineConfig config = EngineConfig.defaults();
        return switch (type) {
            case LOCK_FREE -> new LockFreeEngine(config, ex, flaws);
            case INDEXED -> new IndexedEngine(config, ex, flaws);
            default -> throw new IllegalArgumentException("not a lock-free engine: " + type);
        };
    }

    /** 1 if the device is bound, 0 if it is deferred, 2 for anything else. */
    static int boundOrDeferred(AbstractEngine e, String device) {
        DeviceState s = e.snapshot().stateOf(device);
        return s == DeviceState.BOUND ? 1 : s == DeviceState.DEFERRED ? 0 : 2;
    }

    /**
     * Defer vs publish: a consumer "c" requiring "r" is probed (its driver registers) while the provider
     * "r" binds and publishes. Each actor then plays the worker for what it scheduled; the arbiter runs
     * what is left. Forbidden: c stays deferred although r is published.
     */
    static final class DeferVsPublish {
        final ManualExecutor ex = new ManualExecutor();
        final AbstractEngine e;

        DeferVsPublish(EngineType type, Set<TestFlaw> flaws) {
            e = engine(type, ex, flaws);
            e.registerDevice(DeviceSpec.of("c", "r")); // no driver yet
            e.registerDriver(DriverSpec.of("r")); // no device yet
        }

        void consumer() {
            e.registerDriver(CONSUMER); // probes c: checks r, defers if missing
            ex.runAll();
        }

        void publisher() {
            e.registerDevice(DeviceSpec.of("r")); // binds r: publishes r, triggers
            ex.runAll();
        }

        int arbiter() {
            ex.runAll();
            return boundOrDeferred(e, "c");
        }
    }

    /**
     * Trigger vs the end of a deferred pass: "c" is deferred and a pass that will retry it is queued.
     * Actor 1 is the worker running that pass (c defers again: r is missing when it checks). Actor 2 makes r
     * appear without a trigger of its own and then triggers explicitly. Forbidden: that trigger is not
     * followed by a pass that retries c, so c stays deferred with r published.
     */
    static final class TriggerVsPassEnd {
        final ManualExecutor ex = new ManualExecutor();
        final AbstractEngine e;

        TriggerVsPassEnd(EngineType type, Set<TestFlaw> flaws) {
            e = engine(type, ex, flaws);
            e.registerDriver(CONSUMER);
            e.registerDevice(DeviceSpec.of("c", "r")); // defers
            ex.runAll();
            e.trigger(); // queues the pass actor 1 runs
        }

        void pass() {
            ex.runOne();
        }

        void trigger() {
            e.resources.publish(List.of("r")); // silently: only the explicit trigger below announces it
            e.trigger();
        }

        int arbiter() {
            ex.runAll();
            return boundOrDeferred(e, "c");
        }
    }

    /**
     * Remove vs async attach: "d" has an async driver, so registering it scheduled an async attach.
     * Actor 1 unregisters d; actor 2 is the worker running the attach. Forbidden: d bound after removal.
     */
    static final class RemoveVsAsyncAttach {
        final ManualExecutor ex = new ManualExecutor();
        final AbstractEngine e;
        final Device d;

        RemoveVsAsyncAttach(EngineType type, Set<TestFlaw> flaws) {
            e = engine(type, ex, flaws);
            e.registerDriver(DriverSpec.of("d").async());
            e.registerDevice(DeviceSpec.of("d"));
            d = e.registry.device("d");
        }

        void remove() {
            e.unregisterDevice("d");
        }

        void attach() {
            ex.runAll();
        }

        /** r1: whether the probe ran; r2: whether d is bound now that removal returned. */
        void arbiter(int[] r) {
            ex.runAll();
            r[0] = e.counters.probeCalls.sum() > 0 ? 1 : 0;
            r[1] = d.driver != null || d.state == DeviceState.BOUND ? 1 : 0;
        }
    }
}
