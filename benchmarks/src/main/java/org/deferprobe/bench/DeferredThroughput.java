package org.deferprobe.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
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
 *   java -jar benchmarks/target/benchmarks.jar DeferredThroughput -p engine=floor,global-lock,kernel -p deferred=1000,10000
 *
 * The quantity: one deferred pass. `deferred` devices wait on resource R; one trigger makes the engine
 * re-probe them. Two passes:
 *   pass=none  nothing can bind: the op is an explicit trigger(), then quiescence; every device is probed,
 *              defers again and goes back to pending, so the op repeats with no re-arm.
 *   pass=all   everything can bind: the op is publish(R) (registering R's provider, which binds, publishes
 *              and triggers), then quiescence; every device binds. The re-arm (remove the provider,
 *              unregister and re-register the devices' driver so all defer again) is the per-iteration
 *              setup, which is how the JMH samples (JMHSample_38_PerInvokeSetup) do per-call fixtures
 *              without Level.Invocation: SingleShotTime, one op per iteration, setup per iteration.
 * Mode SingleShotTime: each iteration times one pass; devices re-probed per second = deferred / time
 * (the quick profile's table shows that, from the median pass). The marginal cost of one re-probe, which is
 * what an engine's design changes, is the slope between deferred=1000 and deferred=10000 (the quick profile
 * computes it: the fixed cost of a pass, its hand-off and its quiescence wake-up, cancels out).
 * Every executor thread is started in the trial setup (Engines.prestart), so no pass starts a thread.
 * The trial setup also runs passes, untimed, for WARM_UP_NANOS (0.5 s) of wall time before JMH's own warm-up
 * iterations: JMH counts single-shot warm-ups, and on a loaded machine the JIT's compiler threads get so little
 * CPU that a fixed number of short passes can end before the pass is compiled (one fork of a 3-fork run then
 * measured passes 5-15 times slower than the others: interpreted code, not the engine).
 *
 * Floor (ReprobeFloor): what a correct re-probe must do at minimum, with the same hand-off and quiescence
 * wait as the engines: a trigger hands the pass to a prestarted executor thread; per device the pass takes
 * the device's lock, checks its requirements against a non-empty published set, and marks it bound or puts
 * it back on the pending list; the caller waits on a monitor notified at zero outstanding work.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 30)
@Fork(1)
@State(Scope.Benchmark)
public class DeferredThroughput {
    static final String RESOURCE = "R";
    /** Untimed passes in the trial setup, by wall time, so the JIT gets time whatever the machine's load. */
    static final long WARM_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"1000", "10000"})
    public int deferred;

    @Param({"none", "all"})
    public String pass;

    /** The trial setup's untimed warm-up; the smoke test sets 0. */
    long warmUpNanos = WARM_UP_NANOS;
    private Engine eng;
    private ReprobeFloor floor;
    private final DriverSpec devicesDriver = DriverSpec.of("deferred-drv").withMatches("deferred");
    private final DeviceSpec provider = DeviceSpec.of(RESOURCE).withCompatible("provider").withProvides(RESOURCE);
    private long probesBefore;
    private boolean measuring;
    private int iteration;
    private double probedSum;
    private int passes;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        if (!"none".equals(pass) && !"all".equals(pass)) {
            throw new IllegalStateException("pass=" + pass + " must be none or all");
        }
        if (Engines.isFloor(engine)) {
            floor = new ReprobeFloor(deferred, RESOURCE);
            warmUp();
            return;
        }
        EngineConfig config = EngineConfig.defaults();
        eng = Engines.create(engine, config);
        Engines.recordTestFlaw("DeferredThroughput", params(), engine);
        Engines.prestart(eng, config.executorThreads());
        for (int i = 0; i < deferred; i++) {
            eng.registerDevice(DeviceSpec.of("d-" + i, RESOURCE).withCompatible("deferred"));
        }
        eng.registerDriver(DriverSpec.of("provider-drv").withMatches("provider"));
        eng.registerDriver(devicesDriver); // every device probes and defers: R is missing
        quiesce();
        warmUp();
    }

    /** Re-arm and pass, untimed, until warmUpNanos have gone by (at least 10 passes). */
    void warmUp() throws InterruptedException {
        long end = System.nanoTime() + warmUpNanos;
        for (int i = 0; i < 10 || System.nanoTime() - end < 0; i++) {
            rearm();
            onePass();
        }
    }

    @Setup(Level.Iteration)
    public void rearm(IterationParams iteration) throws InterruptedException {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        rearm();
    }

    /** Re-arm between single-shot iterations: every device deferred, R not published (pass=all). */
    void rearm() throws InterruptedException {
        if (floor != null) {
            if ("all".equals(pass)) {
                floor.withdraw(RESOURCE);
                floor.rearm();
            }
            return;
        }
        if ("all".equals(pass) && eng.unregisterDevice(RESOURCE)) {
            eng.unregisterDriver(devicesDriver.name()); // unbinds every device
            eng.registerDriver(devicesDriver); // all probe and defer again
            quiesce();
        }
        probesBefore = eng.snapshot().stats().probeCalls();
    }

    @Benchmark
    public long onePass() throws InterruptedException {
        if (floor != null) {
            if ("all".equals(pass)) {
                floor.publish(RESOURCE);
            }
            floor.trigger();
            if (!floor.awaitQuiescence(Duration.ofSeconds(60))) {
                throw new IllegalStateException("floor not quiescent 60 s after a pass over " + deferred);
            }
            return floor.lastProbed();
        }
        if ("all".equals(pass)) {
            eng.registerDevice(provider); // publish(R): binds, publishes, triggers
        } else {
            eng.trigger();
        }
        quiesce();
        return pass.length();
    }

    /** Counts what the pass really probed: an engine that skips devices shows it in the table. */
    @TearDown(Level.Iteration)
    public void countProbes() {
        double probed;
        if (floor != null) {
            probed = floor.lastProbed();
        } else {
            long calls = eng.snapshot().stats().probeCalls() - probesBefore;
            probed = "all".equals(pass) ? calls - 1 : calls; // -1: the provider's own probe
        }
        probedSum += probed;
        passes++;
        if (measuring) {
            ReportSink.iteration("DeferredThroughput", params(), "probed_per_pass", iteration++, probed);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (eng != null) {
            eng.close();
        }
        if (floor != null) {
            floor.close();
        }
    }

    private void quiesce() throws InterruptedException {
        if (!eng.awaitQuiescence(Duration.ofSeconds(60))) {
            throw new IllegalStateException(engine + " not quiescent 60 s after a deferred pass over " + deferred);
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "deferred", String.valueOf(deferred), "pass", pass);
    }

    /** For the smoke test: devices probed per pass so far. */
    double probedPerPass() {
        return passes == 0 ? Double.NaN : probedSum / passes;
    }

    /** For the smoke test: devices bound by the floor (at quiescence). */
    int floorBound() {
        return floor.boundCount();
    }
}
