package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deferprobe.engine.EngineType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The step a replayed boot settles with after each module: it waits for the probes and the deferred work, not for
 * the armed deferred_probe_timeout, so the drivers of later steps are registered before the timeout fires (and
 * push it back); a quiesce in its place would wait for the timeout, which would then find the consumer still
 * deferred.
 */
class WaitForDeviceProbeStepTest {
    private static Scenario boot(Step settle) {
        return ScenarioLoader.parse("""
                {"name": "modules", "drivers": [{"name": "consumer"}, {"name": "provider"}],
                 "devices": [{"name": "consumer", "requires": ["provider"]}, {"name": "provider"}],
                 "steps": [{"op": "register-devices"}, {"op": "register-drivers", "names": ["consumer"]},
                   {"op": "late-initcall", "deferredProbeTimeoutMillis": 300}, SETTLE,
                   {"op": "register-drivers", "names": ["provider"]}]}
                """.replace("SETTLE", ScenarioJson.step(settle).toString()), "modules.json");
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"KERNEL", "INDEXED"})
    void theModuleAfterItIsLoadedBeforeTheTimeoutFires(EngineType type) {
        RunResult r = new ScenarioRunner(boot(new Step.WaitForDeviceProbe())).run(type, Duration.ofSeconds(20));
        assertEquals(List.of(), r.violations());
        assertEquals(List.of("consumer", "provider"), r.bound());
        assertEquals(Map.of(), r.deferredProbePending(), "nothing was left when the timeout fired");
    }

    @ParameterizedTest
    @EnumSource(value = EngineType.class, names = {"KERNEL", "INDEXED"})
    void aQuiesceInItsPlaceWaitsForTheTimeout(EngineType type) {
        RunResult r = new ScenarioRunner(boot(new Step.Quiesce())).run(type, Duration.ofSeconds(20));
        assertEquals(List.of(), r.violations());
        assertEquals(List.of("consumer", "provider"), r.bound(), "bound once the provider came, after the timeout");
        assertTrue(r.deferredProbePending().containsKey("consumer"), r.deferredProbePending().toString());
    }
}
