package org.deferprobe.workload;

import java.util.List;

/** One step of a scenario (docs/scenario-format.md, "Steps"). */
public sealed interface Step {
    /** The op name as written in JSON. */
    String op();

    /** {@code names} null means every device not yet registered, in file order. */
    record RegisterDevices(List<String> names) implements Step {
        public String op() {
            return "register-devices";
        }
    }

    /** {@code names} null means every driver not yet registered, in file order, skipping those a probe registers. */
    record RegisterDrivers(List<String> names) implements Step {
        public String op() {
            return "register-drivers";
        }
    }

    record UnregisterDevice(String name) implements Step {
        public String op() {
            return "unregister-device";
        }
    }

    record UnregisterDriver(String name) implements Step {
        public String op() {
            return "unregister-driver";
        }
    }

    record Trigger() implements Step {
        public String op() {
            return "trigger";
        }
    }

    /** Waits for quiescence; a timeout is a violation, not a hang. */
    record Quiesce() implements Step {
        public String op() {
            return "quiesce";
        }
    }

    /**
     * wait_for_device_probe: waits until no probe runs and no deferred work, async attach or late publication is
     * outstanding, but not for an armed deferred_probe_timeout that has not fired (unlike quiesce); a timeout is a
     * violation, not a hang. What a boot that loads modules one at a time does between them.
     */
    record WaitForDeviceProbe() implements Step {
        public String op() {
            return "wait-for-device-probe";
        }
    }

    /**
     * late_initcall (deferred_probe_initcall): enables deferred probing, which the scenario started without,
     * triggers, waits for the pass and arms the deferred_probe_timeout if {@code deferredProbeTimeoutMillis} > 0.
     */
    record LateInitcall(long deferredProbeTimeoutMillis) implements Step {
        public LateInitcall {
            if (deferredProbeTimeoutMillis < 0) {
                throw new IllegalArgumentException("deferredProbeTimeoutMillis=" + deferredProbeTimeoutMillis);
            }
        }

        public String op() {
            return "late-initcall";
        }
    }

    /** Runs the nested steps' calls from {@code threads} threads at once, each name a separate task. */
    record Concurrent(int threads, List<Step> steps) implements Step {
        public Concurrent {
            steps = List.copyOf(steps);
        }

        public String op() {
            return "concurrent";
        }
    }
}
