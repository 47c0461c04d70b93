package org.deferprobe.engine;

/**
 * Deliberately broken: the kernel engine without the M8 trigger-count recheck, as drivers/base/dd.c was until
 * 2014's "drivercore: deferral race condition fix" (58b116bce136, Grant Likely, reported on an am335x davinci-evm
 * board with CONFIG_PREEMPT and the audio drivers as modules). A trigger that fires after a probe looked for its
 * requirements and before it deferred finds nothing to retry, and nothing retries the device later (bug B1, the
 * 2014 window). It inherits the kernel's B2. Exists to prove the soak and the seed-000 concurrent scenario catch
 * that window ({@code lost-probe}); never use it for anything else.
 */
final class Racy2014Engine extends KernelEngine {
    Racy2014Engine(EngineConfig config) {
        super(EngineType.RACY_2014.engineName(), config);
    }

    @Override
    void afterDefer(Device d, long triggersBefore) {
        // B1 (2014 window): the trigger count is not rechecked, so a trigger during the probe is lost
    }
}
