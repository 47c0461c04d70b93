package org.deferprobe.engine;

/**
 * Deliberately broken: the kernel engine without the M8 recheck, as drivers/base/dd.c was before 2012's
 * "driver core: fix race with deferred probe" (seed 000). A trigger that fires after a probe looked for its
 * requirements and before it deferred is lost: nothing retries the device (bug B1). It inherits the kernel's
 * B2. Exists to prove the soak catches B1 ({@code lost-probe}); never use it for anything else.
 */
final class Racy2012Engine extends KernelEngine {
    Racy2012Engine(EngineConfig config) {
        super(EngineType.RACY_2012.engineName(), config);
    }

    @Override
    void afterDefer(Device d, long triggersBefore) {
        // B1: the trigger count is not rechecked, so a trigger during the probe is lost
    }
}
