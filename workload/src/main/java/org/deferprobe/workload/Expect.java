package org.deferprobe.workload;

import java.util.Set;

/**
 * A scenario's expectation: each set present is compared with the outcome as a set; a null set is not
 * checked. {@code deferred} is compared with the names of the deferred devices.
 */
public record Expect(Set<String> bound, Set<String> deferred, Set<String> failed, Set<String> unbound) {
    public Expect {
        bound = bound == null ? null : Set.copyOf(bound);
        deferred = deferred == null ? null : Set.copyOf(deferred);
        failed = failed == null ? null : Set.copyOf(failed);
        unbound = unbound == null ? null : Set.copyOf(unbound);
    }
}
