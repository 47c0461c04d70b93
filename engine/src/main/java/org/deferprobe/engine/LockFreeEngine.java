package org.deferprobe.engine;

import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The design this project exists to evaluate: the kernel's deferred probing with no global lock on any
 * path, yet no lost probe, no lost wake-up and no deadlock. Per-device locks around probes; one lock-free
 * deferred queue retried by every trigger; an atomic trigger count with the M8 recheck; one coalescing
 * deferred work item; a resource publication triggers (fixes B2); a driver registered from a probe walks its
 * bus only after the probe released its device's lock (fixes B4, M11).
 *
 * Implementation notes.
 * All of the synchronization is {@link LockFreeCore}'s; this engine only says that the pass drains the one
 * generic queue, which plays both of the kernel's lists: a pass's marker splits it into the active part
 * (before the marker) and the pending part (after it). Every deferral goes there (the inherited
 * {@link #deferredAdd}); M8 is the inherited trigger-count recheck.
 */
final class LockFreeEngine extends LockFreeCore {
    private final DeferredQueue[] passQueues = {generic};

    LockFreeEngine(EngineConfig config) {
        super(EngineType.LOCK_FREE.engineName(), config);
    }

    /** Test-only: a given executor (jcstress runs its tasks on its actors) and deliberate flaws. */
    LockFreeEngine(EngineConfig config, ThreadPoolExecutor executor, Set<TestFlaw> flaws) {
        super(EngineType.LOCK_FREE.engineName() + (flaws.isEmpty() ? "" : "-flawed" + flaws), config, executor, flaws);
    }

    @Override
    void deferredAdd(Device d) {
        generic.add(d); // linearization point (offer) precedes afterDefer's re-read of the trigger count
    }

    @Override
    DeferredQueue[] passQueues() {
        return passQueues;
    }
}
