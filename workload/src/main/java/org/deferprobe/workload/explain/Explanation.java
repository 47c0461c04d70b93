package org.deferprobe.workload.explain;

import java.util.List;

/**
 * Why devices are not bound after a run: per device asked about, the chain from it down to the root causes.
 *
 * @param scenario the scenario's name
 * @param engine   the engine it ran on
 * @param devices  live devices at the end
 * @param deferred how many of them are still deferred
 * @param devicesExplained one entry per device asked about (every deferred device, or those named), in order
 * @param violations what the run itself reported (a quiescence timeout makes every explanation provisional)
 */
public record Explanation(String scenario, String engine, int devices, int deferred, List<Device> devicesExplained,
                          List<String> violations) {
    public Explanation {
        devicesExplained = List.copyOf(devicesExplained);
        violations = List.copyOf(violations);
    }

    /** What a user can act on. */
    public enum CauseKind {
        /** No registered driver matches the device. */
        NO_DRIVER("no-driver"),
        /** The device's probe failed (an error, not a deferral). */
        PROBE_FAILED("probe-failed"),
        /** No device of the scenario provides the resource. */
        NO_PROVIDER("no-provider"),
        /** Devices wait for each other in a circle. */
        CYCLE("cycle"),
        /** The resource was published after its provider's probe returned and nothing triggered for it (B2). */
        LATE_PUBLICATION("late-publication"),
        /** A device that is needed is not registered (never, or unregistered by a step). */
        NOT_REGISTERED("not-registered"),
        /** What the device waits for is there and triggers came, but it was not retried (B1: an engine bug). */
        LOST_PROBE("lost-probe"),
        /** None of the above: the chain says what is known. */
        UNEXPLAINED("unexplained");

        private final String id;

        CauseKind(String id) {
            this.id = id;
        }

        /** As in the JSON: no-driver, probe-failed, ... */
        public String id() {
            return id;
        }
    }

    /**
     * A root cause.
     *
     * @param device   the device it is about (the one without a driver, whose probe failed, not registered, or
     *                 not retried), or null
     * @param resource the resource it is about (no provider, late publication), or null
     * @param members  the devices of a cycle, in order, the first repeated at the end; empty otherwise
     * @param text     one sentence a user can act on
     */
    public record Cause(CauseKind kind, String device, String resource, List<String> members, String text) {
        public Cause {
            members = List.copyOf(members);
        }
    }

    /**
     * One device in a chain.
     *
     * @param state     bound, deferred, failed, unbound, or not registered
     * @param reason    its deferral's reason as the engine reports it ({@code devices_deferred}), or null
     * @param waitsFor  what it waits for, or null
     * @param next      the devices that should provide it, each explained (a supplier: one; a resource: each of its
     *                  providers)
     * @param cause     the root cause found at this device, or null
     * @param seeAbove  true if this device was explained earlier in the same answer: its chain is not repeated
     *                  (its causes are, in {@link Device#causes()})
     */
    public record Node(String device, String state, String reason, WaitsFor waitsFor, List<Node> next, Cause cause,
                       boolean seeAbove) {
        public Node {
            next = List.copyOf(next);
        }
    }

    /**
     * What a device waits for: {@code kind} "supplier" (fw_devlink: that device's bind), "resource" (a resource
     * its probe looks up), or "parent" (a device that is not registered because only its parent's probe registers
     * it, M16); {@code providers} are the devices that should provide it.
     */
    public record WaitsFor(String kind, String name, List<String> providers) {
        public WaitsFor {
            providers = List.copyOf(providers);
        }
    }

    /** One device asked about: its chain and its root causes. */
    public record Device(String device, Node chain, List<Cause> causes) {
        public Device {
            causes = List.copyOf(causes);
        }
    }
}
