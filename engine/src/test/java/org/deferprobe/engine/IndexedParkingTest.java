package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the indexed engine adds: a publication re-probes only the devices parked on that resource. */
@Timeout(30)
class IndexedParkingTest {
    private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
    private Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private int probesOf(String device) {
        AtomicInteger n = probes.get(device);
        return n == null ? 0 : n.get();
    }

    private Engine make(EngineType type) {
        engine = type.create(EngineConfig.defaults().withExecutorThreads(4).withProbeHook((device, driver, missing) ->
                probes.computeIfAbsent(device, k -> new AtomicInteger()).incrementAndGet()));
        return engine;
    }

    private static void quiesce(Engine e) throws InterruptedException {
        assertTrue(e.awaitQuiescence(Duration.ofSeconds(20)));
        assertEquals(List.of(), e.snapshot().violations());
    }

    private static void twoConsumers(Engine e) throws InterruptedException {
        for (String n : List.of("c1", "c2", "r1", "r2")) {
            e.registerDriver(DriverSpec.of(n));
        }
        e.registerDevice(DeviceSpec.of("c1", "r1"));
        e.registerDevice(DeviceSpec.of("c2", "r2"));
        quiesce(e);
    }

    @Test
    void aPublicationReprobesOnlyTheDevicesParkedOnIt() throws Exception {
        Engine e = make(EngineType.INDEXED);
        twoConsumers(e);
        assertEquals(Map.of("r1", 1, "r2", 1), e.snapshot().parked());
        e.registerDevice(DeviceSpec.of("r1")); // binds (a trigger) and publishes r1
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("c1"));
        assertEquals(2, probesOf("c1"));
        assertEquals(1, probesOf("c2"), "c2 waits for r2: not re-probed by r1's bind or publication");
        assertEquals(Map.of("r2", 1), e.snapshot().parked());
        assertEquals(Map.of("c2", "waiting for r2"), e.snapshot().deferred());
    }

    /** The contrast: the lock-free engine retries every deferred device on every trigger, as the kernel. */
    @Test
    void theLockFreeEngineRetriesEveryDeferredDevice() throws Exception {
        Engine e = make(EngineType.LOCK_FREE);
        twoConsumers(e);
        assertEquals(Map.of(), e.snapshot().parked());
        e.registerDevice(DeviceSpec.of("r1"));
        quiesce(e);
        assertTrue(probesOf("c2") >= 2, "retried by r1's bind and again by c1's: " + probesOf("c2"));
    }

    @Test
    void anExplicitTriggerRetriesParkedDevicesToo() throws Exception {
        Engine e = make(EngineType.INDEXED);
        twoConsumers(e);
        e.trigger();
        quiesce(e);
        assertEquals(2, probesOf("c1"));
        assertEquals(2, probesOf("c2"));
        assertEquals(Map.of("r1", 1, "r2", 1), e.snapshot().parked());
    }

    @Test
    void aWithdrawnResourceParksItsConsumerAgainAndARepublicationWakesIt() throws Exception {
        Engine e = make(EngineType.INDEXED);
        twoConsumers(e);
        e.registerDevice(DeviceSpec.of("r1"));
        quiesce(e);
        assertTrue(e.unregisterDriver("c1"));
        assertTrue(e.unregisterDevice("r1"));
        assertTrue(e.registerDriver(DriverSpec.of("c1"))); // c1 probes, r1 is gone: parks again
        quiesce(e);
        assertEquals(Map.of("r1", 1, "r2", 1), e.snapshot().parked());
        e.registerDevice(DeviceSpec.of("r1"));
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("c1"));
    }

    /** A deferral that names no resource goes to the generic queue and is retried by every trigger. */
    @Test
    void aDeferralWithoutAResourceFallsBackToTheGenericQueue() throws Exception {
        ManualExecutor ex = new ManualExecutor();
        IndexedEngine e = new IndexedEngine(EngineConfig.defaults(), ex, Set.of());
        engine = e;
        e.registerDevice(DeviceSpec.of("g"));
        Device g = e.registry.device("g");
        e.lockDevice(g);
        try {
            g.waitingFor = null;
            g.state = DeviceState.DEFERRED;
            e.deferredAdd(g);
        } finally {
            e.unlockDevice(g);
        }
        assertEquals(Map.of(), e.parkedCounts());
        assertTrue(DeferredQueue.isQueued(g));
        e.registerDriver(DriverSpec.of("other"));
        e.registerDevice(DeviceSpec.of("other")); // a bind: triggers, the pass retries the generic queue
        e.registerDriver(DriverSpec.of("g").withMatches("nothing")); // no driver for g: the retry settles it
        ex.runAll();
        assertEquals(DeviceState.UNBOUND, e.snapshot().stateOf("g"), "retried by the pass: no driver, settled");
        assertTrue(!DeferredQueue.isQueued(g));
    }
}
