package org.deferprobe.engine;

/**
 * Deliberately broken: the kernel engine whose attach paths ignore the M9 fence (seed 003). A device
 * unregistered while its async attach or a deferred retry is scheduled is probed, and bound, afterwards
 * (bug B3). It inherits the kernel's B2. Exists to prove the soak catches B3 ({@code bound-after-removal}).
 */
final class RemoveRaceEngine extends KernelEngine {
    RemoveRaceEngine(EngineConfig config) {
        super(EngineType.REMOVE_RACE.engineName(), config);
    }

    @Override
    boolean attachSeesDead(Device d) {
        return false; // B3: the attach does not look at the dead mark unregisterDevice set under the lock
    }
}
