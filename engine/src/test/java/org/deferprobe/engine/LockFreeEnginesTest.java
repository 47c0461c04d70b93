package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forced interleavings for the guarantees of issue 3 that both lock-free engines must keep: M8 without a
 * mutex, no lost wake-up, M9 removal wins, M11 without a device lock held during the walk, B2 fixed.
 * Interleavings are forced with latches in the probe hook or with a manual executor, never with sleeps.
 */
@Timeout(30)
class LockFreeEnginesTest {
    private static final Duration QUIET = Duration.ofSeconds(20);
    private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(Engine::close);
        callers.shutdownNow();
    }

    private int probesOf(String device) {
        AtomicInteger n = probes.get(device);
        return n == null ? 0 : n.get();
    }

    /** An engine whose hook counts probes per device and then runs {@code then}. */
    private AbstractEngine engine(EngineType type, ProbeHook then) {
        ProbeHook hook = (device, driver, missing) -> {
            probes.computeIfAbsent(device, k -> new AtomicInteger()).incrementAndGet();
            then.afterCheck(device, driver, missing);
        };
        AbstractEngine e = (AbstractEngine) type.create(EngineConfig.defaults().withExecutorThreads(8).withProbeHook(hook));
        engines.add(e);
        return e;
    }

    /** The test-only constructor: a manual executor, and deliberate flaws. */
    private AbstractEngine manualEngine(EngineType type, ManualExecutor executor, Set<TestFlaw> flaws) {
        EngineConfig config = EngineConfig.defaults().withProbeHook((device, driver, missing) ->
                probes.computeIfAbsent(device, k -> new AtomicInteger()).incrementAndGet());
        AbstractEngine e = switch (type) {
            case LOCK_FREE -> new LockFreeEngine(config, executor, flaws);
            case INDEXED -> new IndexedEngine(config, executor, flaws);
            default -> throw new IllegalArgumentException("not a lock-free engine: " + type);
        };
        engines.add(e);
        return e;
    }

    private static void quiesce(Engine e) throws InterruptedException {
        assertTrue(e.awaitQuiescence(QUIET), "not quiescent");
        assertEquals(List.of(), e.snapshot().violations());
        assertEquals(List.of(), e.snapshot().errors());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("latch not released: a deadlock or a lost step");
        }
    }

    /** Waits (no sleep, no timeout of its own: the class timeout bounds it) until the queued pass has run. */
    private static void awaitPassDone(AbstractEngine e) {
        CoalescingWork w = ((LockFreeCore) e).deferredWork;
        while (w.state() != CoalescingWork.IDLE) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void aConsumerBindsOnceItsProviderDoes(EngineType type) throws Exception {
        AbstractEngine e = engine(type, ProbeHook.NONE);
        e.registerDriver(DriverSpec.of("consumer"));
        e.registerDriver(DriverSpec.of("provider"));
        e.registerDevice(DeviceSpec.of("consumer", "provider"));
        quiesce(e);
        assertEquals(DeviceState.DEFERRED, e.snapshot().stateOf("consumer"));
        assertEquals("waiting for provider", e.snapshot().deferred().get("consumer"));
        e.registerDevice(DeviceSpec.of("provider"));
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("consumer"));
        assertEquals(Map.of(), e.snapshot().deferred());
    }

    /** M8 without a mutex: an explicit trigger between the failed check and the deferral is not lost. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void aTriggerDuringTheProbeRetriesTheDevice(EngineType type) throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AbstractEngine e = engine(type, (device, driver, missing) -> {
            if (device.equals("c") && probesOf("c") == 1) {
                inProbe.countDown();
                await(release);
            }
        });
        e.registerDriver(DriverSpec.of("c"));
        Future<?> reg = callers.submit(() -> e.registerDevice(DeviceSpec.of("c", "r")));
        await(inProbe); // c checked its requirements and found r missing
        e.trigger();
        awaitPassDone(e); // the trigger's pass ran before c deferred: only the recheck can retry c
        release.countDown();
        reg.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(2, probesOf("c"), "the trigger that happened during the probe retried it once");
        assertEquals(DeviceState.DEFERRED, e.snapshot().stateOf("c"));
    }

    /**
     * No global lock: while one device's probe is held inside, unrelated registrations, a trigger, a pass and
     * a removal all complete on this thread (with a global lock they would wait for the probe: deadlock here).
     */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void unrelatedWorkNeverWaitsForAProbe(EngineType type) throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AbstractEngine e = engine(type, (device, driver, missing) -> {
            if (device.equals("slow")) {
                inProbe.countDown();
                await(release);
            }
        });
        e.registerDriver(DriverSpec.of("slow"));
        Future<?> reg = callers.submit(() -> e.registerDevice(DeviceSpec.of("slow")));
        await(inProbe);
        e.registerDriver(DriverSpec.of("b"));
        e.registerDevice(DeviceSpec.of("b", "x"));
        e.registerDriver(DriverSpec.of("x"));
        e.registerDevice(DeviceSpec.of("x")); // binds x, triggers: the pass retries b, which binds
        e.trigger();
        while (e.snapshot().stateOf("b") != DeviceState.BOUND) {
            Thread.onSpinWait(); // the pass runs on the executor; bounded by the class timeout
        }
        assertTrue(e.unregisterDevice("x"));
        assertEquals(DeviceState.PROBING, e.snapshot().stateOf("slow"), "all of it happened inside slow's probe");
        release.countDown();
        reg.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("slow"));
    }

    /** The same interleaving on the flawed variant (no recheck after the deferral) loses the trigger. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void withoutTheRecheckTheTriggerDuringTheProbeIsLost(EngineType type) throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EngineConfig config = EngineConfig.defaults().withProbeHook((device, driver, missing) -> {
            if (probes.computeIfAbsent(device, k -> new AtomicInteger()).incrementAndGet() == 1) {
                inProbe.countDown();
                await(release);
            }
        });
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 1,
                TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        Set<TestFlaw> flaw = Set.of(TestFlaw.NO_RECHECK_AFTER_DEFER);
        AbstractEngine e = type == EngineType.LOCK_FREE ? new LockFreeEngine(config, pool, flaw)
                : new IndexedEngine(config, pool, flaw);
        engines.add(e);
        e.registerDriver(DriverSpec.of("c"));
        Future<?> reg = callers.submit(() -> e.registerDevice(DeviceSpec.of("c", "r")));
        await(inProbe);
        e.trigger();
        awaitPassDone(e);
        release.countDown();
        reg.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(1, probesOf("c"), "B1: the trigger during the probe was lost");
    }

    /** No lost wake-up: the resource is published between the failed check and the deferral. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void aPublicationBetweenCheckAndDeferralStillWakesTheDevice(EngineType type) throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AbstractEngine e = engine(type, (device, driver, missing) -> {
            if (device.equals("c") && probesOf("c") == 1) {
                assertEquals("r", missing);
                inProbe.countDown();
                await(release);
            }
        });
        e.registerDriver(DriverSpec.of("c"));
        e.registerDriver(DriverSpec.of("r"));
        Future<?> reg = callers.submit(() -> e.registerDevice(DeviceSpec.of("c", "r")));
        await(inProbe);
        e.registerDevice(DeviceSpec.of("r")); // binds, publishes r and triggers, all while c's probe runs
        assertTrue(e.resources.isPublished("r"));
        release.countDown();
        reg.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("c"));
        assertEquals(2, probesOf("c"));
    }

    /** B2 fixed: a publication after the provider's probe returned triggers. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void aLatePublicationWakesItsConsumer(EngineType type) throws Exception {
        AbstractEngine e = engine(type, ProbeHook.NONE);
        e.registerDriver(DriverSpec.of("c"));
        e.registerDriver(DriverSpec.of("r").withPublishDelayMicros(2_000));
        e.registerDevice(DeviceSpec.of("c", "r"));
        e.registerDevice(DeviceSpec.of("r"));
        quiesce(e);
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("c"));
    }

    /** M9: removal wins over a scheduled async attach (forced: the attach waits in a manual executor). */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void removalWinsOverAScheduledAsyncAttach(EngineType type) {
        ManualExecutor ex = new ManualExecutor();
        AbstractEngine e = manualEngine(type, ex, Set.of());
        e.registerDriver(DriverSpec.of("d").async());
        e.registerDevice(DeviceSpec.of("d"));
        assertEquals(1, ex.queued(), "the async attach is scheduled, not run");
        Device d = e.registry.device("d");
        assertTrue(e.unregisterDevice("d"));
        ex.runAll();
        assertEquals(0, probesOf("d"));
        assertNull(d.driver);
        assertEquals(DeviceState.DEAD, d.state);
        assertEquals(List.of(), e.snapshot().violations());
    }

    /** The same interleaving on the flawed variant (no M9 fence) binds the removed device: the test bites. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void withoutTheRemovalFenceTheRemovedDeviceIsBound(EngineType type) {
        ManualExecutor ex = new ManualExecutor();
        AbstractEngine e = manualEngine(type, ex, Set.of(TestFlaw.NO_REMOVAL_FENCE));
        e.registerDriver(DriverSpec.of("d").async());
        e.registerDevice(DeviceSpec.of("d"));
        Device d = e.registry.device("d");
        assertTrue(e.unregisterDevice("d"));
        ex.runAll();
        assertNotNull(d.driver, "bound after removal: B3");
    }

    /** M9: removal wins over a queued deferred retry (the pass waits in a manual executor). */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void removalWinsOverAQueuedDeferredRetry(EngineType type) {
        ManualExecutor ex = new ManualExecutor();
        AbstractEngine e = manualEngine(type, ex, Set.of());
        e.registerDriver(DriverSpec.of("c"));
        e.registerDriver(DriverSpec.of("r"));
        e.registerDevice(DeviceSpec.of("c", "r"));
        assertEquals(DeviceState.DEFERRED, e.snapshot().stateOf("c"));
        ex.runAll();
        e.registerDevice(DeviceSpec.of("r")); // publishes r and triggers: the retry of c is queued
        assertTrue(ex.queued() > 0, "the pass is queued");
        Device c = e.registry.device("c");
        assertTrue(e.unregisterDevice("c"));
        assertFalse(DeferredQueue.isQueued(c), "removal took it off the deferred queues");
        ex.runAll();
        assertEquals(1, probesOf("c"), "not retried after removal");
        assertNull(c.driver);
        assertEquals(List.of(), e.snapshot().violations());
    }

    /**
     * M11, the transitive case of seed 004 on two buses: a probe on bus A registers a driver for bus B whose
     * device is probing at the same moment, and that probe registers a driver for the first device. Both
     * probes are held inside at once (a barrier), each holding its device's lock; with the kernel's locking
     * this deadlocks. Here each walk runs after its probe released its lock, and no attach is lost.
     */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void probesRegisteringDriversIntoEachOthersBusesNeitherDeadlockNorLoseAttaches(EngineType type) throws Exception {
        CyclicBarrier bothInside = new CyclicBarrier(2);
        AbstractEngine[] self = new AbstractEngine[1];
        List<String> heldDuringWalk = new ArrayList<>();
        AbstractEngine e = engine(type, (device, driver, missing) -> {
            if (driver.equals("pA") || driver.equals("pB")) {
                bothInside.await(10, TimeUnit.SECONDS); // both first probes are inside, locks held
            } else {
                // qA / qB probing on behalf of the other device's probe: that device's lock is not held
                String other = device.equals("a1") ? "b1" : "a1";
                if (self[0].registry.device(other).lock.isHeldByCurrentThread()) {
                    synchronized (heldDuringWalk) {
                        heldDuringWalk.add(other);
                    }
                }
            }
        });
        self[0] = e;
        DriverSpec qA = DriverSpec.of("qA").withBus("A").withMatches("a1");
        DriverSpec qB = DriverSpec.of("qB").withBus("B").withMatches("b1");
        e.registerDriver(DriverSpec.of("pA").withBus("A").withMatches("a1").registering(qB).failing());
        e.registerDriver(DriverSpec.of("pB").withBus("B").withMatches("b1").registering(qA).failing());
        Future<?> a = callers.submit(() -> e.registerDevice(DeviceSpec.of("a1").withBus("A")));
        Future<?> b = callers.submit(() -> e.registerDevice(DeviceSpec.of("b1").withBus("B")));
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(Map.of("a1", "qA", "b1", "qB"), e.snapshot().boundTo());
        assertEquals(List.of(), heldDuringWalk);
    }

    /** M13 covers a walk postponed from an async probe: quiescence waits for it. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void quiescenceCoversAWalkPostponedByAnAsyncProbe(EngineType type) throws Exception {
        AbstractEngine e = engine(type, ProbeHook.NONE);
        e.registerDevice(DeviceSpec.of("child"));
        e.registerDriver(DriverSpec.of("parent").async().withProbeMicros(1_000).registering(DriverSpec.of("child")));
        e.registerDevice(DeviceSpec.of("parent"));
        quiesce(e);
        assertEquals(Map.of("child", "child", "parent", "parent"), e.snapshot().boundTo());
    }

    /**
     * M13 covers a walk postponed by a sync probe on an outside thread. Here nothing else counts as work between
     * the probe's end and the walk (on an executor thread the task itself would): the registering thread is
     * paused where it releases the parent's lock, after its probe returned and before the postponed walk runs,
     * and quiescence must not be reported there. Forced with the lock observer, no sleeps.
     */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void quiescenceCoversAWalkPostponedByASyncProbeOnAnOutsideThread(EngineType type) throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        LockObserver pauseAtParentRelease = new LockObserver() {
            @Override
            public void acquired(String lockClass, Object lock) {
            }

            @Override
            public void released(String lockClass, Object lock) {
                if (lock.toString().equals("parent") && paused.getCount() > 0) {
                    paused.countDown();
                    try {
                        resume.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        AbstractEngine e = (AbstractEngine) type.create(EngineConfig.defaults().withExecutorThreads(8)
                .withLockObserver(pauseAtParentRelease));
        engines.add(e);
        e.registerDevice(DeviceSpec.of("child"));
        e.registerDriver(DriverSpec.of("parent").registering(DriverSpec.of("child")));
        Future<?> registration = callers.submit(() -> e.registerDevice(DeviceSpec.of("parent")));
        assertTrue(paused.await(10, TimeUnit.SECONDS), "the parent's probe never released its lock");
        assertEquals(DeviceState.BOUND, e.snapshot().stateOf("parent"), "its probe returned");
        assertEquals(DeviceState.UNBOUND, e.snapshot().stateOf("child"), "the postponed walk has not run");
        assertFalse(e.awaitQuiescence(Duration.ZERO), "quiescent while the walk for 'child' is owed");
        resume.countDown();
        registration.get(10, TimeUnit.SECONDS);
        quiesce(e);
        assertEquals(Map.of("child", "child", "parent", "parent"), e.snapshot().boundTo());
    }

    /** Many chains registered from several threads at once: every consumer binds, nothing breaks a rule. */
    @ParameterizedTest
    @EnumSource(names = {"LOCK_FREE", "INDEXED"})
    void concurrentChainsAllBind(EngineType type) throws Exception {
        AbstractEngine e = engine(type, ProbeHook.NONE);
        int chains = 40;
        int length = 5;
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int part = t;
            fs.add(callers.submit(() -> {
                for (int c = part; c < chains; c += 4) {
                    for (int i = length - 1; i >= 0; i--) { // consumers first: they defer
                        String name = "c" + c + "-" + i;
                        String[] req = i == 0 ? new String[0] : new String[] {"c" + c + "-" + (i - 1)};
                        e.registerDevice(DeviceSpec.of(name, req));
                        DriverSpec drv = DriverSpec.of(name);
                        e.registerDriver(i % 2 == 0 ? drv : drv.async());
                    }
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get(20, TimeUnit.SECONDS);
        }
        quiesce(e);
        assertEquals(chains * length, e.snapshot().devicesIn(DeviceState.BOUND).size(), () -> e.snapshot().deferred().toString());
        assertEquals(Map.of(), e.snapshot().parked());
    }
}
