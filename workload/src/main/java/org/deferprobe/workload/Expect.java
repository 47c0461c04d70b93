package org.deferprobe.workload;

import java.util.Set;

/**
 * A scenario's expectation: each set present is compared with the outcome as a set; a null set is not
 * checked. {@code deferred} is compared with the names of the deferred devices. {@code boundOnlyAtTimeout}
 * is compared with the devices that had everything they needed before the deferred_probe_timeout fired yet
 * bound only after it (docs/scenario-format.md): {@code []} says no bind may wait for the timeout.
 */
public record Expect(Set<String> bound, Set<String> deferred, Set<String> failed, Set<String> unbound,
                     Set<String> boundOnlyAtTimeout) {
    public Expect {
        bound = bound == null ? null : Set.copyOf(bound);
        deferred = deferred == null ? null : Set.copyOf(deferred);
        failed = failed == null ? null : Set.copyOf(failed);
        unbound = unbound == null ? null : Set.copyOf(unbound);
        boundOnlyAtTimeout = boundOnlyAtTimeout == null ? null : Set.copyOf(boundOnlyAtTimeout);
    }

    /** The final states only. */
    public Expect(Set<String> bound, Set<String> deferred, Set<String> failed, Set<String> unbound) {
        this(bound, deferred, failed, unbound, null);
    }
}
