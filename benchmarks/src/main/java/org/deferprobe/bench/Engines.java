package org.deferprobe.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.ProbeHook;

/**
 * The benchmarks' only way to an engine: by the {@code engine} @Param, through {@link EngineType}.
 *
 * <p>JMH @Param values are compile-time constants, so every benchmark lists the names known when it was
 * written ({@link #PARAM_NAMES}); a name this build's EngineType does not know fails the trial at once with
 * a message that says so (JMH goes on with the other parameters). The quick profile does not rely on the
 * constant list: it passes {@code -p engine=floor,<every EngineType.real() name>}, which always matches the
 * build, so engines added later are measured without touching the benchmarks.
 */
public final class Engines {
    /** The pseudo-engine that measures the physical limit of the same quantity with no engine at all. */
    public static final String FLOOR = "floor";

    /**
     * TEST FLAW, never set by a measurement: {@code ENGINE:NANOS} makes every probe of that engine spin NANOS
     * nanoseconds in its ProbeHook (work added to each re-probe), so that {@code compare} can be shown to flag a
     * slowed engine. The quick profile passes it to its forks only when run with
     * {@code --test-flaw-slow-probes ENGINE:NANOS}, refuses to start when its own JVM has it set, and prints a
     * TEST FLAW banner; the forks record it (metric {@value #SLOW_PROBES_METRIC}) so a flawed fork can never pass
     * for a measurement.
     */
    public static final String SLOW_PROBES_PROPERTY = "deferprobe.testflaw.slowProbes";
    /** Trial-level secondary metric a fork writes when the test flaw is active for its engine: the spin in ns. */
    public static final String SLOW_PROBES_METRIC = "test_flaw_probe_spin_ns";

    private Engines() {
    }

    /** "floor" and every real engine of this build, in declaration order: what the quick profile sweeps. */
    public static List<String> namesWithFloor() {
        List<String> names = new ArrayList<>();
        names.add(FLOOR);
        EngineType.real().forEach(t -> names.add(t.engineName()));
        return names;
    }

    public static boolean isFloor(String name) {
        return FLOOR.equals(name);
    }

    /**
     * Fails the trial at once, in its first setup, for a name that is neither "floor" nor a real engine of
     * this build (benchmarks that make their engine per iteration call this from their trial setup).
     */
    public static void requireKnown(String name) {
        if (!isFloor(name)) {
            create(name, EngineConfig.defaults().withExecutorThreads(1)).close();
        }
    }

    /**
     * Makes the named real engine.
     *
     * @throws IllegalStateException for "floor" (callers branch on {@link #isFloor} first), for a deliberately
     *                               broken engine, and for a name this build does not have, naming the ones it has
     */
    public static Engine create(String name, EngineConfig config) {
        for (EngineType t : EngineType.real()) {
            if (t.engineName().equals(name)) {
                long spin = slowProbeNanos(name);
                if (spin > 0) {
                    ProbeHook inner = config.probeHook();
                    config = config.withProbeHook((device, driver, missing) -> {
                        spinNanos(spin);
                        inner.afterCheck(device, driver, missing);
                    });
                }
                return t.create(config);
            }
        }
        throw new IllegalStateException("engine '" + name + "' is not a real engine in this build (real engines: "
                + EngineType.real().stream().map(EngineType::engineName).collect(Collectors.joining(", "))
                + "); run with -p engine=" + String.join(",", namesWithFloor()));
    }

    /**
     * The test flaw's spin for this engine, 0 without it.
     *
     * @throws IllegalStateException when {@value #SLOW_PROBES_PROPERTY} is set but is not {@code ENGINE:NANOS}
     */
    public static long slowProbeNanos(String engine) {
        String v = System.getProperty(SLOW_PROBES_PROPERTY);
        if (v == null || v.isBlank()) {
            return 0;
        }
        String[] f = v.split(":");
        long nanos;
        try {
            nanos = f.length == 2 ? Long.parseLong(f[1]) : -1;
        } catch (NumberFormatException e) {
            nanos = -1;
        }
        if (nanos < 0) {
            throw new IllegalStateException(SLOW_PROBES_PROPERTY + "=" + v + " must be ENGINE:NANOS");
        }
        return f[0].equals(engine) ? nanos : 0;
    }

    /** Writes the test flaw's spin as a trial figure when it is active for this engine (every benchmark's trial setup). */
    public static void recordTestFlaw(String benchmark, java.util.Map<String, String> params, String engine) {
        long spin = slowProbeNanos(engine);
        if (spin > 0) {
            ReportSink.secondary(benchmark, params, SLOW_PROBES_METRIC, spin);
        }
    }

    private static void spinNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * Starts every thread of the engine's executor before anything is timed: its ThreadPoolExecutor starts a
     * thread per task until it has {@code executorThreads}, so that many async attaches of throw-away devices
     * (no requirements, nothing provided) start them all; the devices and their driver are then removed and the
     * engine is quiescent again. (The engine lets idle threads end after 2 s; every benchmark keeps its engine
     * busier than that, see docs/benchmarks.md.)
     */
    public static void prestart(Engine engine, int executorThreads) {
        String drv = "__prestart";
        engine.registerDriver(DriverSpec.of(drv).async());
        for (int i = 0; i < executorThreads; i++) {
            engine.registerDevice(new DeviceSpec("__prestart-" + i, DeviceSpec.DEFAULT_BUS, List.of(drv), List.of(), List.of()));
        }
        quiesce(engine, "prestarting " + executorThreads + " executor threads");
        for (int i = 0; i < executorThreads; i++) {
            engine.unregisterDevice("__prestart-" + i);
        }
        engine.unregisterDriver(drv);
        quiesce(engine, "removing the prestart devices");
    }

    /** Waits for quiescence (60 s at most), as every benchmark's untimed setup does. */
    public static void quiesce(Engine engine, String after) {
        try {
            if (!engine.awaitQuiescence(Duration.ofSeconds(60))) {
                throw new IllegalStateException(engine.name() + " not quiescent 60 s after " + after);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + after, e);
        }
    }
}
