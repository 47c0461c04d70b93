package org.deferprobe.stress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.DeviceState;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.LockObserver;
import org.deferprobe.engine.ProbeHook;
import org.deferprobe.engine.Snapshot;

/**
 * One round of a soak on a fresh engine: the phases of its {@link RoundPlan} from the plan's threads, each
 * watched by the watchdog; after every phase but the first, quiescence and the invariants ({@link Invariants}),
 * a violation seen at several of these points reported once.
 *
 * <p>A checker thread runs beside the operations of phases 1 and 2 (not in the tail, where a trigger would hide
 * the lost wake-up it exists to expose): it calls {@code trigger()} and {@code awaitQuiescence()} again and
 * again, concurrently with the registrations and with the main thread's own wait for quiescence, and whenever
 * it sees the engine quiescent while no operation was running (a seqlock over operations started and ended:
 * none in flight before its wait, none started until its snapshot was taken) it checks the invariants there,
 * mid-round.
 *
 * <p>The watchdog polls every 100 ms. Progress is operations returned plus probes called. After one second
 * without progress it walks the wait-for graph ({@link ThreadDumps}): a cycle is a {@code deadlock}. After
 * {@code stall} without progress, or {@code hardLimit} in one phase, it reports {@code quiescence-timeout}
 * with the stuck threads. A device not bound and probed {@code livelockProbes} times in one phase that has
 * lasted {@code livelockAfter} is a {@code livelock} (B5).
 *
 * <p>Ending a round: after a livelock the soak's probe hook makes every further probe throw (so each probe
 * fails its device and the engine goes quiet) and the round ends without its other checks. After a deadlock
 * or a timeout the engine is closed and its stuck threads are abandoned (they are daemons, parked for good):
 * the round ends {@linkplain Result#wedged wedged} and the soak of that engine stops.
 */
final class SoakRound {
    /** How a soak waits and when it calls a round stuck, and the engine's executor and fw_devlink mode. */
    record Limits(Duration stall, Duration livelockAfter, long livelockProbes, Duration hardLimit, int executorThreads,
                  FwDevlink fwDevlink) {
        static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(2), 2_000, Duration.ofSeconds(120),
                    EngineConfig.DEFAULT_EXECUTOR_THREADS, FwDevlink.ON);
        }

        Limits withStall(Duration d) {
            return new Limits(d, livelockAfter, livelockProbes, hardLimit.compareTo(d) < 0 ? d : hardLimit,
                    executorThreads, fwDevlink);
        }

        Limits withFwDevlink(FwDevlink mode) {
            return new Limits(stall, livelockAfter, livelockProbes, hardLimit, executorThreads, mode);
        }
    }

    /**
     * @param ops      operations that returned
     * @param snapshot at quiescence, or null if the round never got there
     * @param wedged   threads are stuck for good: the soak of this engine must stop
     */
    record Result(int round, long ops, Snapshot snapshot, List<SoakViolation> violations, boolean wedged) {
    }

    /** Thrown by the probe hook once a round is being ended: fails the probe, which the engine reports. */
    static final class RoundAborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RoundAborted() {
            super("round aborted by the soak", null, false, false);
        }
    }

    private static final AtomicInteger ROUNDS_STARTED = new AtomicInteger();
    private static final List<String> PHASES = List.of("phase 0 (a probe that does not return while drivers "
                    + "register on its bus)", "phase 1 (registration storm)",
            "phase 2 (hot-plug, removal, unload-reload)", "phase 3 (the tail: a late publisher and its consumer)",
            "phase 4 (the tail: an async provider and a consumer probing across its bind)");

    private final EngineType type;
    private final SoakWorkload w;
    private final RoundPlan plan;
    private final Limits limits;
    private final LockOrderValidator lockdep;
    private final String threadPrefix;
    private final ProbeHook testHook;

    private final AtomicLong opsDone = new AtomicLong();
    /** The seqlock of the mid-round checks: operations (the checker's triggers included) started and ended. */
    private final AtomicLong opsStarted = new AtomicLong();
    private final AtomicLong opsEnded = new AtomicLong();
    private final AtomicLong midRoundChecks = new AtomicLong();
    /** Violations found by the checker thread, merged into the round's at the end of each phase. */
    private final ConcurrentLinkedQueue<SoakViolation> midRound = new ConcurrentLinkedQueue<>();
    private volatile boolean checkerStop;
    /** Phase 0's stuck probe: running (its thread), and released at the phase's end or once found blocking. */
    private final CountDownLatch stuckStarted = new CountDownLatch(1);
    private final CountDownLatch stuckRelease = new CountDownLatch(1);
    private volatile Thread stuckThread;
    /** Violations a watch reported without ending the round (registration-blocked). */
    private final ConcurrentLinkedQueue<SoakViolation> sideViolations = new ConcurrentLinkedQueue<>();
    private final AtomicLong probes = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> probesByDevice = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> opErrors = new ConcurrentLinkedQueue<>();
    private volatile boolean abort;
    private Engine engine;
    /** Threads that existed before this round: not this round's, whatever they are stuck on. */
    private Set<Long> before = Set.of();

    SoakRound(EngineType type, SoakWorkload w, RoundPlan plan, Limits limits, LockOrderValidator lockdep,
              ProbeHook testHook) {
        this.testHook = testHook;
        this.type = type;
        this.w = w;
        this.plan = plan;
        this.limits = limits;
        this.lockdep = lockdep;
        this.threadPrefix = "soak-" + ROUNDS_STARTED.incrementAndGet() + "-r" + plan.round() + "-op-";
    }

    long opsDone() {
        return opsDone.get();
    }

    long probes() {
        return probes.get();
    }

    Result run() {
        before = ThreadDumps.liveThreadIds();
        LockObserver observer = lockdep == null ? LockObserver.NONE : lockdep;
        engine = type.create(new EngineConfig(limits.executorThreads(), this::hook, observer)
                .withFwDevlink(limits.fwDevlink()));
        int phases = plan.phases().size();
        CountDownLatch[] start = new CountDownLatch[phases];
        CountDownLatch[] done = new CountDownLatch[phases];
        for (int p = 0; p < phases; p++) {
            start[p] = new CountDownLatch(p == 0 ? 0 : 1);
            done[p] = new CountDownLatch(plan.threads());
        }
        List<SoakViolation> violations = new ArrayList<>();
        Thread checker = new Thread(null, this::checker, threadPrefix + "checker", 256 * 1024);
        checker.setDaemon(true);
        try {
            for (int t = 0; t < plan.threads(); t++) {
                int n = t;
                Thread th = new Thread(null, () -> opThread(n, start, done), threadPrefix + n, 256 * 1024);
                th.setDaemon(true);
                th.start();
            }
            SoakViolation v = null;
            Snapshot snap = null;
            for (int p = 0; p < phases && v == null; p++) {
                if (p == FIRST_CHECKER_PHASE) {
                    checker.start();
                }
                start[p].countDown();
                CountDownLatch phaseDone = done[p];
                v = watch(PHASES.get(p), () -> phaseDone.await(100, TimeUnit.MILLISECONDS), p == STUCK_PHASE);
                if (p == STUCK_PHASE) {
                    stuckRelease.countDown(); // the probe that did not return returns now
                    addNew(violations, sideViolations);
                }
                if (v == null && p == LAST_CHECKER_PHASE) {
                    v = watch("quiescence after " + PHASES.get(p) + ", racing the checker's triggers",
                            () -> engine.awaitQuiescence(Duration.ofMillis(100)));
                    checkerStop = true;
                    v = v != null ? v : watch("the checker's end", () -> {
                        checker.join(100);
                        return !checker.isAlive();
                    });
                }
                if (v == null && p != FIRST_CHECKER_PHASE) { // phase 2 runs into phase 1's async probes on purpose
                    v = watch("quiescence after " + PHASES.get(p), () -> engine.awaitQuiescence(Duration.ofMillis(100)));
                    if (v == null) {
                        snap = engine.snapshot();
                        addNew(violations, Invariants.check(type, w, limits.fwDevlink(), plan.round(), snap, opErrors,
                                p >= LAST_CHECKER_PHASE)); // every driver is registered from phase 2's end on
                        opErrors.clear();
                    }
                }
                addNew(violations, midRound);
            }
            if (v == null) {
                addLockOrder(violations);
                return new Result(plan.round(), opsDone.get(), snap, violations, false);
            }
            violations.add(v);
            addLockOrder(violations);
            abort = true;
            releaseAll(start);
            boolean wedged = !v.check().equals("livelock") || !settle(done[phases - 1]);
            if (!wedged) { // the livelock was ended: what the model saw for itself still holds
                addNew(violations, Invariants.modelChecks(type, plan.round(), engine.snapshot()));
            }
            return new Result(plan.round(), opsDone.get(), null, violations, wedged);
        } finally {
            abort = true;
            checkerStop = true;
            stuckRelease.countDown();
            releaseAll(start);
            engine.close();
            if (lockdep != null) {
                lockdep.forgetDeadThreads();
            }
        }
    }

    /** Adds the violations not seen yet in this round (the same one found at several checks counts once). */
    private static void addNew(List<SoakViolation> violations, Collection<SoakViolation> found) {
        for (SoakViolation f : found) {
            if (violations.stream().noneMatch(x -> x.check().equals(f.check()) && x.message().equals(f.message()))) {
                violations.add(f);
            }
        }
    }

    /** Phase 0: a probe that does not return until the phase's operations are done. */
    private static final int STUCK_PHASE = 0;
    /** Phases 1 and 2: the checker runs beside their operations. */
    private static final int FIRST_CHECKER_PHASE = 1;
    private static final int LAST_CHECKER_PHASE = 2;

    /**
     * Triggers and waits for quiescence again and again; checks the invariants at every quiescence it can. It
     * triggers only while the operations progress: once they are all done, or stuck, its triggers would only
     * make probes that hide a stall from the watchdog (a deadlock, a probe that never returns).
     */
    private void checker() {
        SplittableRandom rnd = new SplittableRandom(plan.seed() ^ plan.round());
        long seenOps = -1;
        while (!checkerStop && !abort) {
            long done = opsDone.get();
            if (done != seenOps) {
                seenOps = done;
                opsStarted.incrementAndGet();
                try {
                    engine.trigger();
                } catch (IllegalStateException closed) {
                    return;
                } finally {
                    opsEnded.incrementAndGet();
                }
            }
            long ended = opsEnded.get(); // ended first, then started: equal means none in flight
            long started = opsStarted.get();
            try {
                boolean quiet = engine.awaitQuiescence(Duration.ofMillis(1 + rnd.nextInt(20)));
                if (quiet && started == ended && !checkerStop) {
                    Snapshot snap = engine.snapshot();
                    if (opsStarted.get() == started) { // nothing started since: the snapshot is of a quiescent engine
                        midRoundChecks.incrementAndGet();
                        midRound.addAll(Invariants.check(type, w, limits.fwDevlink(), plan.round(), snap, List.of(), false));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long midRoundChecks() {
        return midRoundChecks.get();
    }

    private static void releaseAll(CountDownLatch[] start) {
        for (CountDownLatch l : start) {
            l.countDown();
        }
    }

    /** After a livelock: waits for the op threads and quiescence with every probe failing. */
    private boolean settle(CountDownLatch lastPhase) {
        try {
            return lastPhase.await(limits.stall().toMillis(), TimeUnit.MILLISECONDS)
                    && engine.awaitQuiescence(limits.stall());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void addLockOrder(List<SoakViolation> violations) {
        if (lockdep != null) {
            for (String recursion : lockdep.drainRecursions()) {
                violations.add(new SoakViolation("recursive-locking", plan.round(), recursion));
            }
            for (String inversion : lockdep.drainInversions()) {
                violations.add(new SoakViolation("lock-order", plan.round(), inversion));
            }
        }
    }

    // ------------------------------------------------------------------ the operations

    private void opThread(int n, CountDownLatch[] start, CountDownLatch[] done) {
        for (int p = 0; p < start.length; p++) {
            try {
                start[p].await();
                runOps(plan.phases().get(p).get(n));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                done[p].countDown();
            }
        }
    }

    private void runOps(List<RoundPlan.Op> ops) {
        for (RoundPlan.Op op : ops) {
            if (abort) {
                return;
            }
            opsStarted.incrementAndGet();
            try {
                switch (op.kind()) {
                    case REGISTER_DEVICE -> engine.registerDevice(deviceSpec(op.name()));
                    // false while another thread's unload of the same driver holds its name: that thread reloads it
                    case REGISTER_DRIVER -> engine.registerDriver(w.drivers.get(op.name()));
                    case UNLOAD_RELOAD -> {
                        engine.unregisterDriver(op.name());
                        engine.registerDriver(w.drivers.get(op.name()));
                    }
                    case REMOVE_DEVICE -> engine.unregisterDevice(op.name());
                    case READD_DEVICE -> {
                        engine.unregisterDevice(op.name());
                        readd(op.name());
                    }
                    case HOTPLUG -> {
                        engine.registerDevice(deviceSpec(op.name()));
                        engine.unregisterDevice(op.name());
                    }
                    case TRIGGER -> engine.trigger();
                    case AWAIT_STUCK -> awaitStuck();
                    default -> throw new IllegalStateException("bad op " + op);
                }
            } catch (RuntimeException e) {
                if (!abort) {
                    opErrors.add(op + " threw " + e);
                }
            } finally {
                opsEnded.incrementAndGet();
            }
            opsDone.incrementAndGet();
        }
    }

    /**
     * Registers a device again right after an unregistration of it, its own or the other thread's. While that
     * unregistration runs the name is refused (device_del frees it last): retry until it is free. If the other
     * thread's re-addition came first, the device is live, which is what this wanted.
     */
    private void readd(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                engine.registerDevice(deviceSpec(name));
                return;
            } catch (IllegalStateException e) {
                String m = String.valueOf(e.getMessage());
                if (m.startsWith("device already registered")) {
                    return;
                }
                if (!m.startsWith("device still being unregistered") || System.nanoTime() - deadline > 0 || abort) {
                    throw e;
                }
                Thread.yield();
            }
        }
    }

    /** Waits (10 s at most) until the stuck probe runs, so the registrations that follow meet it. */
    private void awaitStuck() {
        try {
            stuckStarted.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DeviceSpec deviceSpec(String name) {
        return w.deviceByName(name);
    }

    /** The probe hook: counts, plays B5. */
    private void hook(String device, String driver, String missing) throws Exception {
        probes.incrementAndGet();
        if (abort) {
            throw new RoundAborted();
        }
        testHook.afterCheck(device, driver, missing);
        probesByDevice.computeIfAbsent(device, k -> new AtomicLong()).incrementAndGet();
        if (device.equals(SoakWorkload.STUCK_DEVICE)) { // phase 0: a probe that does not return, lock held
            stuckThread = Thread.currentThread();
            stuckStarted.countDown();
            stuckRelease.await();
        }
    }

    // ------------------------------------------------------------------ the watchdog

    interface Done {
        boolean await() throws InterruptedException;
    }

    private SoakViolation watch(String phase, Done done) {
        return watch(phase, done, false);
    }

    /**
     * Waits for {@code done}; null when it came, else the violation that ended the wait. In the stuck phase, a
     * second without progress and no deadlock cycle is searched for registrations blocked behind the stuck probe:
     * {@code registration-blocked} is reported (without ending the round) and the stuck probe released.
     */
    private SoakViolation watch(String phase, Done done, boolean stuckPhase) {
        long start = System.nanoTime();
        long lastProgress = -1;
        long lastChange = start;
        boolean deadlockChecked = false;
        Map<String, Long> base = counts();
        try {
            while (!done.await()) {
                long now = System.nanoTime();
                long progress = opsDone.get() + probes.get();
                if (progress != lastProgress) {
                    lastProgress = progress;
                    lastChange = now;
                    deadlockChecked = false;
                }
                long stalledMillis = (now - lastChange) / 1_000_000;
                if (stalledMillis >= 1_000 && !deadlockChecked) {
                    deadlockChecked = true;
                    SoakViolation v = deadlock(phase);
                    if (v != null) {
                        return v;
                    }
                    if (stuckPhase && stuckRelease.getCount() > 0 && registrationBlocked(phase)) {
                        stuckRelease.countDown();
                        lastChange = System.nanoTime();
                        continue;
                    }
                }
                if (now - start >= limits.livelockAfter().toNanos()) {
                    SoakViolation v = livelock(base, now - start);
                    if (v != null) {
                        return v;
                    }
                }
                if (stalledMillis >= limits.stall().toMillis()) {
                    SoakViolation v = deadlock(phase);
                    return v != null ? v : timeout(phase, "no progress for " + stalledMillis + " ms");
                }
                if (now - start >= limits.hardLimit().toNanos()) {
                    return timeout(phase, "not done after " + limits.hardLimit().toSeconds() + " s though work goes on");
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timeout(phase, "the soak was interrupted");
        }
    }

    /** The revert's case 1: registrations waiting for the lock of the probe that does not return. */
    private boolean registrationBlocked(String phase) {
        Thread stuck = stuckThread;
        if (stuck == null) {
            return false;
        }
        List<String> blocked = ThreadDumps.registrationsBlockedBy(stuck.getId());
        if (blocked.isEmpty()) {
            return false;
        }
        sideViolations.add(new SoakViolation("registration-blocked", plan.round(), blocked.size() + " registrations "
                + "in " + phase + " wait for a lock held by the probe of " + SoakWorkload.STUCK_DEVICE + ", which does "
                + "not return (thread " + stuck.getName() + "), though they do not match it: "
                + String.join("; ", blocked.subList(0, Math.min(4, blocked.size())))
                + (blocked.size() > 4 ? "; ..." : "") + "; the probe was released to go on"));
        return true;
    }

    private Map<String, Long> counts() {
        Map<String, Long> m = new ConcurrentHashMap<>();
        probesByDevice.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private SoakViolation deadlock(String phase) {
        ThreadDumps.Deadlock d = ThreadDumps.find(id -> !before.contains(id),
                id -> lockdep == null ? List.of() : lockdep.heldBy(id));
        if (d == null) {
            return null;
        }
        List<String> shown = d.threads().subList(0, Math.min(6, d.threads().size()));
        String msg = d.threads().size() + " threads stuck in a deadlock in " + phase + ": " + String.join(", ", shown)
                + (shown.size() < d.threads().size() ? ", ..." : "");
        return new SoakViolation("deadlock", plan.round(), msg, null, d.dump());
    }

    private SoakViolation livelock(Map<String, Long> base, long waitedNanos) {
        List<Map.Entry<String, Long>> over = new ArrayList<>();
        for (Map.Entry<String, AtomicLong> e : probesByDevice.entrySet()) {
            long n = e.getValue().get() - base.getOrDefault(e.getKey(), 0L);
            if (n >= limits.livelockProbes()) {
                over.add(Map.entry(e.getKey(), n));
            }
        }
        if (over.isEmpty()) {
            return null;
        }
        Snapshot snap = engine.snapshot();
        over.removeIf(e -> snap.stateOf(e.getKey()) == DeviceState.BOUND);
        if (over.isEmpty()) {
            return null;
        }
        over.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> culprits = new ArrayList<>();
        StringBuilder victims = new StringBuilder();
        int listed = 0;
        for (Map.Entry<String, Long> e : over) {
            DriverSpec drv = w.drivers.get(w.driverOf.get(e.getKey()));
            if (drv != null && !drv.registersDevices().isEmpty()) {
                culprits.add(e.getKey() + " x" + e.getValue() + " (its probe registers " + drv.registersDevices().stream()
                        .map(DeviceSpec::name).toList() + ", which bind and trigger before it defers)");
            } else if (listed++ < 10) {
                victims.append(listed == 1 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
            }
        }
        String msg = String.format("%d devices re-probed again and again in %.1f s of one phase without binding, "
                        + "while the engine never went quiet (B5: a probe that makes progress elsewhere and defers); "
                        + "%s; re-probed by its triggers: %s%s; round ended", over.size(), waitedNanos / 1e9,
                culprits.isEmpty() ? "no probe that registers devices among them" : "culprit: "
                        + String.join(", ", culprits), victims.length() == 0 ? "none" : victims,
                listed > 10 ? ", ..." : "");
        return new SoakViolation("livelock", plan.round(), msg);
    }

    private SoakViolation timeout(String phase, String why) {
        String dump = ThreadDumps.dump(id -> !before.contains(id), List.of(threadPrefix, type.engineName() + "-"),
                id -> lockdep == null ? List.of() : lockdep.heldBy(id));
        return new SoakViolation("quiescence-timeout", plan.round(), phase + ": " + why, null, dump);
    }
}
