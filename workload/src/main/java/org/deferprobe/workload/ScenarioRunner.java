package org.deferprobe.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DeviceState;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineEvents;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.Snapshot;

/**
 * Runs a scenario's steps against an engine, quiesces, checks {@code expect} and reports (the CLI's
 * {@code run}, the contract tests' shipped scenarios and the Boot benchmark all go through here).
 *
 * <p>A quiescence timeout is reported as the violation {@code quiescence-timeout} and ends the run; it never
 * hangs. An engine call that throws (a duplicate name, a closed engine) is reported as an error.
 *
 * <p>{@link #runSupervised} also watches the run, as the soak's watchdog does, so that no scenario hangs: the
 * steps run on a thread of their own while the caller's thread polls every 50 ms. A device probed
 * {@value #LIVELOCK_PROBES} times without binding while the engine never went quiet, in a run of at least a
 * second, is a {@code livelock} (B5): from then on every probe throws, so each fails its device and the engine
 * goes quiet, and the run ends with that violation. A {@link Watch} the caller gives may end a run that makes
 * no progress (a {@code deadlock} found in the threads' wait-for graph); the stuck steps thread is then left
 * behind (a daemon) and the engine closed.
 */
public final class ScenarioRunner {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Probes of one device, without a bind, that make a livelock (with the engine busy, a second in). */
    public static final int LIVELOCK_PROBES = 1_000;

    /** Looks at a run that makes no progress; returns a violation line to end it, or null to go on waiting. */
    @FunctionalInterface
    public interface Watch {
        Watch NONE = (millisWithoutProgress, stepsThread) -> null;

        /**
         * @param millisWithoutProgress how long no probe was called and no step call returned
         * @param stepsThread           the thread running the steps (to tell its threads from the others)
         */
        String stuck(long millisWithoutProgress, Thread stepsThread);
    }

    private final Scenario scenario;
    private final Map<String, DeviceSpec> devicesByName = new LinkedHashMap<>();
    private final Map<String, DriverSpec> driversByName = new LinkedHashMap<>();
    private final Set<String> byProbes;
    private final Set<String> devicesByProbes;

    public ScenarioRunner(Scenario scenario) {
        this.scenario = scenario;
        scenario.devices().forEach(d -> devicesByName.put(d.name(), d));
        scenario.drivers().forEach(d -> driversByName.put(d.name(), d));
        this.byProbes = scenario.driversRegisteredByProbes();
        this.devicesByProbes = scenario.devicesRegisteredByProbes();
    }

    public RunResult run(EngineType type, Duration timeout) {
        return run(type, EngineConfig.defaults(), timeout);
    }

    public RunResult run(EngineType type, EngineConfig config, Duration timeout) {
        BindLatency latency = latency(config);
        try (Engine engine = type.create(forScenario(config, latency))) {
            return run(engine, timeout, latency);
        }
    }

    /** The config as the scenario asks: its fw_devlink mode (if it sets one), boot phases if it has late-initcall. */
    private EngineConfig forScenario(EngineConfig config, BindLatency latency) {
        return config.withFwDevlink(mode(config)).withBootPhases(scenario.hasLateInitcall())
                .withEvents(EngineEvents.all(config.events(), latency));
    }

    private FwDevlink mode(EngineConfig config) {
        return scenario.fwDevlink() != null ? scenario.fwDevlink() : config.fwDevlink();
    }

    private BindLatency latency(EngineConfig config) {
        return new BindLatency(scenario, mode(config));
    }

    /**
     * Runs on a fresh engine made from {@code config} with a probe hook of its own in front of the config's, and
     * watches it: livelock (B5) ends the run with the probes failing; {@code watch} may end a stuck run.
     */
    public RunResult runSupervised(EngineType type, EngineConfig config, Duration timeout, Watch watch) {
        Supervision sup = new Supervision();
        BindLatency latency = latency(config);
        EngineConfig watched = forScenario(config, latency).withProbeHook((device, driver, missing) -> {
            sup.probed(device);
            config.probeHook().afterCheck(device, driver, missing);
        });
        Engine engine = type.create(watched);
        try {
            Execution ex = new Execution(engine, timeout);
            sup.steps = new Thread(() -> {
                long start = System.nanoTime();
                boolean quiet = ex.runAll(scenario.steps()) && ex.quiesce();
                sup.makespanMicros = (System.nanoTime() - start) / 1_000;
                sup.quiet = quiet;
            }, "scenario-steps");
            sup.steps.setDaemon(true);
            sup.start = System.nanoTime();
            sup.steps.start();
            String ended = sup.watch(engine, ex, watch, timeout);
            if (ended != null) {
                ex.violations.add(ended);
            }
            boolean quiet = ended == null && sup.quiet;
            return report(engine, ex, quiet, sup.makespanMicros, latency);
        } finally {
            engine.close();
        }
    }

    /** What a supervised run watches: probes per device, progress, the steps thread. */
    private static final class Supervision {
        final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> probesOf = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
        volatile boolean failProbes;
        volatile Thread steps;
        volatile long start;
        volatile long makespanMicros;
        volatile boolean quiet;

        void probed(String device) {
            progress.incrementAndGet();
            if (failProbes) {
                throw new IllegalStateException("the run ended a livelock: this probe fails");
            }
            probesOf.computeIfAbsent(device, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        }

        /** Waits for the steps thread; a violation line if the run had to be ended, else null. */
        String watch(Engine engine, Execution ex, Watch watch, Duration timeout) {
            long lastProgress = -1;
            long lastChange = System.nanoTime();
            long deadline = System.nanoTime() + timeout.toNanos() * 2;
            String livelock = null;
            try {
                while (true) {
                    steps.join(50);
                    if (!steps.isAlive()) {
                        return livelock;
                    }
                    long now = System.nanoTime();
                    long p = progress.get() + ex.callsReturned.get();
                    if (p != lastProgress) {
                        lastProgress = p;
                        lastChange = now;
                    }
                    if (livelock == null && now - start >= 1_000_000_000L) {
                        livelock = livelock(engine);
                        if (livelock != null) {
                            failProbes = true; // every probe fails its device from now on: the engine goes quiet
                            deadline = Math.min(deadline, now + timeout.toNanos());
                        }
                    }
                    String stuck = watch.stuck((now - lastChange) / 1_000_000, steps);
                    if (stuck != null) {
                        failProbes = true;
                        return livelock == null ? stuck : livelock + "; then " + stuck;
                    }
                    if (now - deadline > 0) {
                        failProbes = true;
                        return (livelock == null ? "" : livelock + "; then ") + "quiescence-timeout: the steps did "
                                + "not end within " + timeout.multipliedBy(2).toMillis() + " ms";
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failProbes = true;
                return "quiescence-timeout: the run was interrupted";
            }
        }

        private String livelock(Engine engine) {
            List<Map.Entry<String, Long>> over = new ArrayList<>();
            probesOf.forEach((device, n) -> {
                if (n.get() >= LIVELOCK_PROBES) {
                    over.add(Map.entry(device, n.get()));
                }
            });
            if (over.isEmpty()) {
                return null;
            }
            try {
                if (engine.awaitQuiescence(Duration.ZERO)) {
                    return null; // it went quiet after all: many retries, no livelock
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Snapshot snap = engine.snapshot();
            Comparator<Map.Entry<String, Long>> most = Map.Entry.<String, Long>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey());
            // live and never bound: the livelocked; not live: devices registered and removed again each time
            List<Map.Entry<String, Long>> stuck = over.stream().filter(e -> snap.states().containsKey(e.getKey())
                    && snap.stateOf(e.getKey()) != DeviceState.BOUND).sorted(most).toList();
            List<Map.Entry<String, Long>> churned = over.stream().filter(e -> !snap.states().containsKey(e.getKey()))
                    .sorted(most).toList();
            if (stuck.isEmpty()) {
                return null;
            }
            return String.format("livelock: %s in %.1f s without binding, while the engine never went quiet (B5: a "
                            + "probe that makes progress elsewhere, e.g. registers a child that binds, and then "
                            + "defers)%s; the run failed every further probe to end it", list(stuck),
                    (System.nanoTime() - start) / 1e9,
                    churned.isEmpty() ? "" : "; registered and removed again each time: " + list(churned));
        }
    }

    private static String list(List<Map.Entry<String, Long>> probes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(5, probes.size()); i++) {
            b.append(i == 0 ? "" : ", ").append(probes.get(i).getKey()).append(" probed ").append(probes.get(i).getValue())
                    .append(" times");
        }
        return b.append(probes.size() > 5 ? ", ..." : "").toString();
    }

    /**
     * Runs on a fresh engine the caller made and closes: the caller gave it the scenario's fw_devlink mode and,
     * if the scenario has late-initcall, boot phases; no bind latency is recorded.
     */
    public RunResult run(Engine engine, Duration timeout) {
        return run(engine, timeout, null);
    }

    private RunResult run(Engine engine, Duration timeout, BindLatency latency) {
        Execution ex = new Execution(engine, timeout);
        long start = System.nanoTime();
        boolean quiet = ex.runAll(scenario.steps()) && ex.quiesce();
        long makespanMicros = (System.nanoTime() - start) / 1_000;
        return report(engine, ex, quiet, makespanMicros, latency);
    }

    private RunResult report(Engine engine, Execution ex, boolean quiet, long makespanMicros, BindLatency latency) {
        Snapshot snap = engine.snapshot();
        List<String> violations = new ArrayList<>(ex.violations);
        violations.addAll(snap.violations());
        List<String> errors = new ArrayList<>(ex.errors);
        errors.addAll(snap.errors());
        List<String> bound = snap.devicesIn(DeviceState.BOUND);
        List<String> failed = snap.devicesIn(DeviceState.FAILED);
        List<String> unbound = new ArrayList<>(snap.devicesIn(DeviceState.UNBOUND));
        unbound.addAll(snap.devicesIn(DeviceState.PROBING)); // only if not quiescent
        unbound.sort(null);
        Boolean met = null;
        List<String> mismatches = new ArrayList<>();
        RunResult.BindLatency summary = latency == null ? null : latency.summary();
        Expect expect = scenario.expect();
        if (expect != null) {
            compare("bound", expect.bound(), bound, mismatches);
            compare("deferred", expect.deferred(), snap.deferred().keySet(), mismatches);
            compare("failed", expect.failed(), failed, mismatches);
            compare("unbound", expect.unbound(), unbound, mismatches);
            if (expect.boundOnlyAtTimeout() != null && latency == null) {
                mismatches.add("boundOnlyAtTimeout: not measured, the caller built the engine without bind events");
            } else if (expect.boundOnlyAtTimeout() != null) {
                compare("boundOnlyAtTimeout", expect.boundOnlyAtTimeout(),
                        summary == null ? List.of() : summary.atTimeout().keySet(), mismatches);
            }
            met = mismatches.isEmpty() && quiet;
        }
        return new RunResult(scenario.name(), engine.name(), snap.states().size(), bound, snap.deferred(), failed,
                unbound, snap.stats(), makespanMicros, List.copyOf(violations), List.copyOf(errors), met,
                List.copyOf(mismatches), summary, snap.deferredProbePending());
    }

    private static void compare(String what, Set<String> expected, java.util.Collection<String> actual,
                                List<String> mismatches) {
        if (expected == null) {
            return;
        }
        Set<String> got = new TreeSet<>(actual);
        if (!got.equals(new TreeSet<>(expected))) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(got);
            Set<String> extra = new TreeSet<>(got);
            extra.removeAll(expected);
            mismatches.add(what + ": expected " + new TreeSet<>(expected) + " got " + got
                    + (missing.isEmpty() ? "" : " missing " + missing) + (extra.isEmpty() ? "" : " unexpected " + extra));
        }
    }

    /** One run's mutable state: what the steps registered so far, and what went wrong. */
    private final class Execution {
        final Engine engine;
        final Duration timeout;
        final Set<String> devicesRegistered = ConcurrentHashMap.newKeySet();
        final Set<String> driversRegistered = ConcurrentHashMap.newKeySet();
        final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Engine calls that returned (the supervisor's progress, beside probes). */
        final java.util.concurrent.atomic.AtomicLong callsReturned = new java.util.concurrent.atomic.AtomicLong();

        Execution(Engine engine, Duration timeout) {
            this.engine = engine;
            this.timeout = timeout;
        }

        /** Runs steps in order; false if a quiesce timed out (the run stops there). */
        boolean runAll(List<Step> steps) {
            for (Step step : steps) {
                if (step instanceof Step.Quiesce) {
                    if (!quiesce()) {
                        return false;
                    }
                } else if (step instanceof Step.WaitForDeviceProbe) {
                    if (!waitForDeviceProbe()) {
                        return false;
                    }
                } else if (step instanceof Step.Concurrent c) {
                    if (!concurrent(c)) {
                        return false;
                    }
                } else if (step instanceof Step.LateInitcall l) {
                    try {
                        engine.lateInitcall(Duration.ofMillis(l.deferredProbeTimeoutMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    } finally {
                        callsReturned.incrementAndGet();
                    }
                } else {
                    tasks(step).forEach(this::call);
                }
            }
            return true;
        }

        boolean quiesce() {
            try {
                if (engine.awaitQuiescence(timeout)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            violations.add("quiescence-timeout: not quiescent after " + timeout.toMillis() + " ms; pending: "
                    + engine.snapshot().deferred().keySet());
            return false;
        }

        boolean waitForDeviceProbe() {
            try {
                if (engine.awaitDeviceProbe(timeout)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                callsReturned.incrementAndGet();
            }
            violations.add("quiescence-timeout: probes not done (wait-for-device-probe) after " + timeout.toMillis()
                    + " ms; pending: " + engine.snapshot().deferred().keySet());
            return false;
        }

        /** The calls a non-concurrent step makes, one per name, resolved now. */
        List<Runnable> tasks(Step step) {
            List<Runnable> out = new ArrayList<>();
            if (step instanceof Step.RegisterDevices s) {
                List<String> names = s.names() != null ? s.names() : devicesByName.keySet().stream()
                        .filter(n -> !devicesRegistered.contains(n) && !devicesByProbes.contains(n)).toList();
                for (String n : names) {
                    devicesRegistered.add(n);
                    DeviceSpec spec = devicesByName.get(n);
                    out.add(() -> engine.registerDevice(spec));
                }
            } else if (step instanceof Step.RegisterDrivers s) {
                List<String> names = s.names() != null ? s.names() : driversByName.keySet().stream()
                        .filter(n -> !driversRegistered.contains(n) && !byProbes.contains(n)).toList();
                for (String n : names) {
                    driversRegistered.add(n);
                    DriverSpec spec = driversByName.get(n);
                    out.add(() -> engine.registerDriver(spec));
                }
            } else if (step instanceof Step.UnregisterDevice s) {
                out.add(() -> {
                    devicesRegistered.remove(s.name());
                    engine.unregisterDevice(s.name());
                });
            } else if (step instanceof Step.UnregisterDriver s) {
                out.add(() -> {
                    driversRegistered.remove(s.name());
                    engine.unregisterDriver(s.name());
                });
            } else if (step instanceof Step.Trigger) {
                out.add(engine::trigger);
            } else if (step instanceof Step.Quiesce) {
                out.add(this::quiesce);
            } else {
                throw new IllegalArgumentException("step " + step.op() + " cannot run as a task");
            }
            return out;
        }

        void call(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                errors.add("engine call refused: " + e.getMessage());
            } finally {
                callsReturned.incrementAndGet();
            }
        }

        /** Every nested call a separate task, started together from {@code threads} threads. */
        boolean concurrent(Step.Concurrent c) {
            List<Runnable> all = new ArrayList<>();
            for (Step s : c.steps()) {
                all.addAll(tasks(s));
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, c.threads()));
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Runnable task : all) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        call(task);
                        return null;
                    }));
                }
                start.countDown();
                long deadline = System.nanoTime() + timeout.toNanos();
                for (Future<?> f : futures) {
                    try {
                        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        violations.add("quiescence-timeout: concurrent step's calls did not return within "
                                + timeout.toMillis() + " ms");
                        return false;
                    } catch (java.util.concurrent.ExecutionException e) {
                        errors.add("concurrent call failed: " + e.getCause());
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
