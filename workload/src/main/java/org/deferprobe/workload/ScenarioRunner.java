package org.deferprobe.workload;

import java.time.Duration;
import java.util.ArrayList;
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
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.Snapshot;

/**
 * Runs a scenario's steps against an engine, quiesces, checks {@code expect} and reports (the CLI's
 * {@code run}, the contract tests' shipped scenarios and the Boot benchmark all go through here).
 *
 * <p>A quiescence timeout is reported as the violation {@code quiescence-timeout} and ends the run; it never
 * hangs. An engine call that throws (a duplicate name, a closed engine) is reported as an error.
 */
public final class ScenarioRunner {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Scenario scenario;
    private final Map<String, DeviceSpec> devicesByName = new LinkedHashMap<>();
    private final Map<String, DriverSpec> driversByName = new LinkedHashMap<>();
    private final Set<String> byProbes;

    public ScenarioRunner(Scenario scenario) {
        this.scenario = scenario;
        scenario.devices().forEach(d -> devicesByName.put(d.name(), d));
        scenario.drivers().forEach(d -> driversByName.put(d.name(), d));
        this.byProbes = scenario.driversRegisteredByProbes();
    }

    public RunResult run(EngineType type, Duration timeout) {
        return run(type, EngineConfig.defaults(), timeout);
    }

    public RunResult run(EngineType type, EngineConfig config, Duration timeout) {
        try (Engine engine = type.create(config)) {
            return run(engine, timeout);
        }
    }

    /** Runs on a fresh engine the caller made and closes. */
    public RunResult run(Engine engine, Duration timeout) {
        Execution ex = new Execution(engine, timeout);
        long start = System.nanoTime();
        boolean quiet = ex.runAll(scenario.steps()) && ex.quiesce();
        long makespanMicros = (System.nanoTime() - start) / 1_000;
        return report(engine, ex, quiet, makespanMicros);
    }

    private RunResult report(Engine engine, Execution ex, boolean quiet, long makespanMicros) {
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
        Expect expect = scenario.expect();
        if (expect != null) {
            compare("bound", expect.bound(), bound, mismatches);
            compare("deferred", expect.deferred(), snap.deferred().keySet(), mismatches);
            compare("failed", expect.failed(), failed, mismatches);
            compare("unbound", expect.unbound(), unbound, mismatches);
            met = mismatches.isEmpty() && quiet;
        }
        return new RunResult(scenario.name(), engine.name(), snap.states().size(), bound, snap.deferred(), failed,
                unbound, snap.stats(), makespanMicros, List.copyOf(violations), List.copyOf(errors), met,
                List.copyOf(mismatches));
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
                } else if (step instanceof Step.Concurrent c) {
                    if (!concurrent(c)) {
                        return false;
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

        /** The calls a non-concurrent step makes, one per name, resolved now. */
        List<Runnable> tasks(Step step) {
            List<Runnable> out = new ArrayList<>();
            if (step instanceof Step.RegisterDevices s) {
                List<String> names = s.names() != null ? s.names() : devicesByName.keySet().stream()
                        .filter(n -> !devicesRegistered.contains(n)).toList();
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
