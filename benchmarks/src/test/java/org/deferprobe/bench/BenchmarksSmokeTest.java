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

    @ParameterizedTest
    @MethodSource("engines")
    void prestartStartsEveryExecutorThreadAndLeavesTheEngineEmpty(String engine) throws Exception {
        if (Engines.isFloor(engine)) {
            return;
        }
        try (org.deferprobe.engine.Engine e = Engines.create(engine, org.deferprobe.engine.EngineConfig.defaults()
                .withExecutorThreads(24))) {
            Engines.prestart(e, 24);
            long workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith(e.name() + "-worker-")).count();
            assertTrue(workers >= 24, workers + " executor threads alive after prestart, expected 24");
            assertTrue(e.snapshot().states().isEmpty(), "prestart devices left behind: " + e.snapshot().states());
        }
    }

    @Test
    void theSlowProbesTestFlawIsOffUnlessItsPropertyNamesTheEngine() throws Throwable {
        SlowProbesProperty.restoredAfter(() -> {
            System.clearProperty(Engines.SLOW_PROBES_PROPERTY);
            assertEquals(0, Engines.slowProbeNanos("kernel"));
            System.setProperty(Engines.SLOW_PROBES_PROPERTY, "kernel:2000");
            assertEquals(2000, Engines.slowProbeNanos("kernel"));
            assertEquals(0, Engines.slowProbeNanos("lock-free"));
            System.setProperty(Engines.SLOW_PROBES_PROPERTY, "kernel");
            assertThrows(IllegalStateException.class, () -> Engines.slowProbeNanos("kernel"));
        });
    }

    @Test
    void theSlowProbesTestFlawAddsItsSpinToEveryProbe() throws Throwable {
        SlowProbesProperty.restoredAfter(() -> {
            System.setProperty(Engines.SLOW_PROBES_PROPERTY, "global-lock:200000");
            long nanos;
            try (org.deferprobe.engine.Engine e = Engines.create("global-lock", org.deferprobe.engine.EngineConfig.defaults())) {
                e.registerDriver(org.deferprobe.engine.DriverSpec.of("d"));
                long start = System.nanoTime();
                for (int i = 0; i < 20; i++) { // sync probes on this thread: each spins in the hook before it binds
                    e.registerDevice(org.deferprobe.engine.DeviceSpec.of("x" + i).withCompatible("d"));
                }
                nanos = System.nanoTime() - start;
            }
            assertTrue(nanos >= 20 * 200_000L, "20 probes with a 200 us spin took " + nanos + " ns");
        });
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
        b.churnTotal = 800;
        b.publishPerSecond = 1000;
        b.setUp();
        try {
            for (int it = 0; it < 2; it++) {
                b.startIteration(true);
                long start = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    assertTrue(b.publishSlot() > 0);
                }
                // open loop: 20 slots 1 ms apart take about 20 ms, whatever the engine
                assertTrue(System.nanoTime() - start >= 19_000_000L, "the publisher kept its schedule");
                b.endIteration();
            }
        } finally {
            b.tearDown();
        }
        assertEquals(2, b.latencyHistograms().size(), "one histogram per measurement iteration");
        b.latencyHistograms().forEach(h -> assertEquals(20, h.getTotalCount()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void deferredThroughput(String engine) throws Exception {
        for (String pass : List.of("none", "all")) {
            DeferredThroughput b = new DeferredThroughput();
            b.engine = engine;
            b.deferred = 200;
            b.pass = pass;
            b.warmUpNanos = 0; // the setup still runs its 10 untimed passes
            b.setUp();
            try {
                for (int i = 0; i < 3; i++) {
                    b.rearm();
                    long r = b.onePass();
                    if (Engines.isFloor(engine)) {
                        assertEquals(200, r, "the floor re-probes every pending device");
                        assertEquals("all".equals(pass) ? 200 : 0, b.floorBound(), "the floor binds exactly when R is published");
                    }
                    b.countProbes();
                }
            } finally {
                b.tearDown();
            }
            assertEquals(200.0, b.probedPerPass(), 0.0, engine + " pass=" + pass + " re-probes every deferred device once");
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
        TriggerStorm.Own own = new TriggerStorm.Own();
        try {
            b.startIteration(true);
            own.start(true);
            for (int i = 0; i < 1000; i++) {
                b.trigger(own);
            }
            own.end(b);
            b.endIteration();
        } finally {
            b.tearDown();
        }
        assertTrue(b.ownBytesPerCall() >= 0, "own allocation per call " + b.ownBytesPerCall());
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

    /**
     * With fw_devlink on, a tree's suppliers gate the probes: each device's probe is called once, and the deferrals
     * are supplier deferrals; off, the probes look the suppliers up themselves, and defer.
     */
    @Test
    void bootLoadsADeviceTreeSourceAndRefusesAMissingOne() {
        for (String mode : List.of("on", "off")) {
            Boot b = new Boot();
            b.engine = "kernel";
            b.source = "../scenarios/devicetree/example-board.dtb";
            b.devices = 10;
            b.probeMicros = 1;
            b.async = 1.0;
            b.fwDevlink = mode;
            b.setUp();
            b.freshEngine();
            try {
                assertTrue(b.boot() > 0);
                if (mode.equals("on")) {
                    assertEquals(b.deviceCount(), b.lastProbeCalls(), "one probe call per device");
                    assertTrue(b.lastSupplierDeferrals() > 0, "the example board's consumers wait for suppliers");
                } else {
                    assertEquals(0, b.lastSupplierDeferrals());
                    assertTrue(b.lastProbeCalls() > b.deviceCount(), "probes that looked a supplier up and deferred");
                }
            } finally {
                b.closeEngine();
            }
        }
        Boot missing = new Boot();
        missing.engine = "floor";
        missing.source = "board.dtb";
        missing.probeMicros = 1;
        ScenarioException e = assertThrows(ScenarioException.class, missing::setUp);
        assertTrue(e.getMessage().contains("board.dtb"), e.getMessage());
    }
}
