package org.deferprobe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.deferprobe.engine.EngineType;
import org.deferprobe.workload.ScenarioException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CI does not run the benchmarks; this proves each one works for "floor" and every real engine of the build
 * by calling its setup, a few operations and its teardown directly, as JMH would (small sizes, no JMH).
 */
class BenchmarksSmokeTest {

    static Stream<String> engines() {
        return Engines.namesWithFloor().stream();
    }

    @Test
    void floorAndEveryRealEngineAreSwept() {
        List<String> names = Engines.namesWithFloor();
        assertEquals("floor", names.get(0));
        EngineType.real().forEach(t -> assertTrue(names.contains(t.engineName()), t.engineName()));
        EngineType.broken().forEach(t -> assertTrue(!names.contains(t.engineName()), t.engineName()));
    }

    @Test
    void anUnknownEngineFailsWithTheNamesOfTheKnownOnes() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Engines.create("no-such-engine", org.deferprobe.engine.EngineConfig.defaults()));
        assertTrue(e.getMessage().contains("no-such-engine") && e.getMessage().contains("global-lock"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void triggerLatency(String engine) throws Exception {
        TriggerLatency b = new TriggerLatency();
        b.engine = engine;
        b.deferred = 100;
        b.registrants = 4;
        b.churnPerSecond = 200;
        b.setUp();
        try {
            b.startIteration(true);
            for (int i = 0; i < 20; i++) {
                assertTrue(b.publishUntilBound() > 0);
            }
            b.endIteration();
        } finally {
            b.tearDown();
        }
        assertEquals(20, b.totalHistogram().getTotalCount());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void deferredThroughput(String engine) throws Exception {
        for (String pass : List.of("none", "all")) {
            DeferredThroughput b = new DeferredThroughput();
            b.engine = engine;
            b.deferred = 200;
            b.pass = pass;
            b.setUp();
            try {
                for (int i = 0; i < 3; i++) {
                    b.rearm();
                    long r = b.onePass();
                    if (Engines.isFloor(engine)) {
                        assertEquals(200, r, "the floor scans every pending device");
                    }
                    b.countProbes();
                }
            } finally {
                b.tearDown();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void registrationStorm(String engine) throws Exception {
        RegistrationStorm b = new RegistrationStorm();
        b.engine = engine;
        b.registrants = 8;
        b.devices = 500;
        b.setUp();
        try {
            for (int i = 0; i < 2; i++) {
                b.freshEngine(true);
                b.storm();
                b.closeEngine(); // throws unless every device bound
            }
        } finally {
            b.tearDown();
        }
        if (!Engines.isFloor(engine)) {
            assertTrue(b.probesPerDevice() >= 1.0, "probes per device " + b.probesPerDevice());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void triggerStorm(String engine) throws Exception {
        TriggerStorm b = new TriggerStorm();
        b.engine = engine;
        b.deferred = 20;
        b.setUp(1);
        try {
            b.startIteration(true);
            for (int i = 0; i < 1000; i++) {
                b.trigger();
            }
            b.endIteration();
        } finally {
            b.tearDown();
        }
        if (!Engines.isFloor(engine)) {
            assertTrue(b.passesPerTrigger() > 0 && b.passesPerTrigger() <= 1.0, "passes per trigger " + b.passesPerTrigger());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void boot(String engine) throws Exception {
        Boot b = new Boot();
        b.engine = engine;
        b.source = "random";
        b.devices = 40;
        b.probeMicros = 200;
        b.async = 1.0;
        b.setUp();
        b.freshEngine();
        try {
            long makespan = b.boot();
            assertTrue(makespan >= b.lowerBoundMicros(), makespan + " us below the lower bound " + b.lowerBoundMicros());
        } finally {
            b.closeEngine();
        }
    }

    @Test
    void benchmarksThatMakeAnEnginePerIterationRejectAnUnknownOneInTheirTrialSetup() {
        Boot b = new Boot();
        b.engine = "no-such-engine";
        b.source = "random";
        b.devices = 10;
        b.probeMicros = 1;
        b.async = 1.0;
        assertThrows(IllegalStateException.class, b::setUp);
        RegistrationStorm s = new RegistrationStorm();
        s.engine = "no-such-engine";
        s.registrants = 1;
        s.devices = 10;
        assertThrows(IllegalStateException.class, s::setUp);
    }

    @Test
    void bootLoadsADeviceTreeSourceAndRefusesAMissingOne() {
        Boot b = new Boot();
        b.engine = "kernel";
        b.source = "../scenarios/devicetree/example-board.dtb";
        b.devices = 10;
        b.probeMicros = 1;
        b.async = 1.0;
        b.setUp();
        b.freshEngine();
        try {
            assertTrue(b.boot() > 0);
        } finally {
            b.closeEngine();
        }
        Boot missing = new Boot();
        missing.engine = "floor";
        missing.source = "board.dtb";
        missing.probeMicros = 1;
        ScenarioException e = assertThrows(ScenarioException.class, missing::setUp);
        assertTrue(e.getMessage().contains("board.dtb"), e.getMessage());
    }
}
