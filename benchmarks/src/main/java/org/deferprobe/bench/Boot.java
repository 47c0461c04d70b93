package org.deferprobe.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.Stats;
import org.deferprobe.workload.RandomScenarios;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioLoader;
import org.deferprobe.workload.ScenarioRunner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/*
 * How to run:
 *   java -jar benchmarks/target/benchmarks.jar Boot -p engine=floor,global-lock,kernel -p probeMicros=1000
 *   java -jar benchmarks/target/benchmarks.jar Boot -p source=/tmp/dtbs/juno.dtb,/tmp/dtbs/imx8mq-evk.dtb -p fwDevlink=on,off
 *
 * The quantity: the makespan of a boot, from the first registration to quiescence, run through the
 * ScenarioRunner (register every device, then every driver in a shuffled order, quiesce).
 *   source=random  a RandomScenarios graph of `devices` devices, fan-in up to 3, a fraction `async` of
 *                  the drivers async, every probe sleeping `probeMicros`.
 *   source=PATH    a .dtb board or a directory of them (a rack), loaded by the device-tree loader; every
 *                  driver gets `probeMicros`, and is async when `async` >= 0.5 (a tree's drivers are sync);
 *                  `devices` is ignored (the tree decides). e.g. -p source=/tmp/dtbs/rockchip
 *   fwDevlink      on (the kernel's default): a device's suppliers (a tree's phandles) are checked before its
 *                  probe is called, and one not bound defers it at no probe time; permissive or off: every
 *                  attempt runs the probe, which looks them up and defers (a random graph has no suppliers).
 * Secondaries per measurement iteration: probe calls per device, supplier deferrals per device, and the CPU
 * time the whole JVM spent during the boot (com.sun.management.OperatingSystemMXBean's process CPU time, read
 * before and after the runner's call): divided by the cores, a second lower bound the critical path ignores.
 * The engine's executor is as wide as the scenario (the kernel's async domain is unbounded), so the
 * executor size does not cap parallelism below what the graph allows; every one of its threads is started in
 * the per-iteration setup (Engines.prestart), so no thread starts inside the timed boot.
 * Mode SingleShotTime: one boot per iteration on a fresh engine made in the per-iteration setup. The table's
 * figure is the runner's own makespan (RunResult.makespanMicros: first registration to quiescence), written
 * per measurement iteration as makespan_us, and divided by the lower bound; JMH's figure is the whole call
 * (the runner's bookkeeping and snapshot included) and is reported beside it.
 *
 * Floor: the lower bound for the same scenario: the critical path, the longest dependency chain's probe
 * times over requirements, supplier links and probe-registered children (RandomScenarios.criticalPathMicros:
 * chain x probeMicros when every probe takes probeMicros), computed by RandomScenarios and written to the report
 * folder as lower_bound_us; the floor row measures it physically: that many probe sleeps one after the
 * other on one thread, with no engine (so the sleep overshoot every engine pays is in the floor too).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
@State(Scope.Benchmark)
public class Boot {
    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"random"})
    public String source;

    @Param({"200"})
    public int devices;

    @Param({"1000"})
    public long probeMicros;

    /** Fraction of async drivers: 1.0 is the "async probes" case the targets are stated for. */
    @Param({"1.0"})
    public double async;

    /** fw_devlink mode: on, permissive or off. */
    @Param({"on"})
    public String fwDevlink = "on";

    private Scenario scenario;
    /** Devices in the scenario: `devices` for a random graph, what the tree holds otherwise. */
    private int deviceCount;
    private int chain;
    private long lowerBoundMicros;
    private Engine eng;
    private boolean measuring;
    private int iteration;
    private long lastMakespanMicros;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private long lastCpuMicros;
    private long prestartProbeCalls;
    private long prestartSupplierDeferrals;
    private long lastProbeCalls;
    private long lastSupplierDeferrals;
    private FwDevlink mode;

    @Setup(Level.Trial)
    public void setUp() {
        Engines.requireKnown(engine);
        mode = FwDevlink.byName(fwDevlink);
        if ("random".equals(source)) {
            scenario = RandomScenarios.generate(2026, devices, 3, async, probeMicros);
        } else {
            boolean allAsync = async >= 0.5;
            scenario = ScenarioLoader.load(Path.of(source)).mapDrivers(d -> {
                DriverSpec timed = d.withProbeMicros(probeMicros);
                return allAsync ? timed.async() : timed;
            });
        }
        scenario = scenario.withFwDevlink(mode);
        deviceCount = scenario.devices().size();
        chain = RandomScenarios.longestChain(scenario);
        lowerBoundMicros = RandomScenarios.criticalPathMicros(scenario);
        ReportSink.secondary("Boot", params(), "lower_bound_us", lowerBoundMicros);
        ReportSink.secondary("Boot", params(), "longest_chain", chain);
        Engines.recordTestFlaw("Boot", params(), engine);
    }

    @Setup(Level.Iteration)
    public void freshEngine(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        freshEngine();
    }

    void freshEngine() {
        if (!Engines.isFloor(engine)) {
            EngineConfig config = EngineConfig.defaults().withExecutorThreads(Math.max(1, Math.min(deviceCount, 1024)))
                    .withFwDevlink(mode);
            eng = Engines.create(engine, config);
            Engines.prestart(eng, config.executorThreads());
            Stats prestart = eng.snapshot().stats(); // its throw-away probes are not the boot's
            prestartProbeCalls = prestart.probeCalls();
            prestartSupplierDeferrals = prestart.supplierDeferrals();
        }
    }

    @Benchmark
    public long boot() {
        if (eng == null) {
            lastMakespanMicros = chainOfSleeps();
            return lastMakespanMicros;
        }
        long cpuBefore = OS.getProcessCpuTime();
        RunResult r = new ScenarioRunner(scenario).run(eng, Duration.ofSeconds(120));
        lastCpuMicros = (OS.getProcessCpuTime() - cpuBefore) / 1_000;
        if (!r.passed() || r.bound().size() != deviceCount) {
            throw new IllegalStateException(engine + " boot of " + scenario.name() + " bound " + r.bound().size() + " of "
                    + deviceCount + "; violations " + r.violations() + "; deferred " + r.deferred().keySet());
        }
        lastMakespanMicros = r.makespanMicros();
        lastProbeCalls = r.stats().probeCalls() - prestartProbeCalls;
        lastSupplierDeferrals = r.stats().supplierDeferrals() - prestartSupplierDeferrals;
        return lastMakespanMicros;
    }

    /** The floor: `chain` probe sleeps in a row, as SimulatedProbe sleeps them. */
    private long chainOfSleeps() {
        long start = System.nanoTime();
        for (int i = 0; i < chain; i++) {
            long deadline = System.nanoTime() + probeMicros * 1_000L;
            for (long left = probeMicros * 1_000L; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        return (System.nanoTime() - start) / 1_000;
    }

    @TearDown(Level.Iteration)
    public void closeEngine() {
        if (measuring) {
            ReportSink.iteration("Boot", params(), "makespan_us", iteration, lastMakespanMicros);
            if (eng != null) {
                ReportSink.iteration("Boot", params(), "probes_per_device", iteration,
                        lastProbeCalls / (double) deviceCount);
                ReportSink.iteration("Boot", params(), "supplier_deferrals_per_device", iteration,
                        lastSupplierDeferrals / (double) deviceCount);
                ReportSink.iteration("Boot", params(), "cpu_ms", iteration, lastCpuMicros / 1000.0);
            }
            iteration++;
        }
        if (eng != null) {
            eng.close();
            eng = null;
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "source", source, "devices", String.valueOf(devices), "probeMicros",
                String.valueOf(probeMicros), "async", String.valueOf(async), "fwDevlink", fwDevlink);
    }

    long lowerBoundMicros() {
        return lowerBoundMicros;
    }

    long lastProbeCalls() {
        return lastProbeCalls;
    }

    long lastSupplierDeferrals() {
        return lastSupplierDeferrals;
    }

    int deviceCount() {
        return deviceCount;
    }
}
