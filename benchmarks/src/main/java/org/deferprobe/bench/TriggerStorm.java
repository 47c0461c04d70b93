package org.deferprobe.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.Stats;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/*
 * How to run (the thread count is JMH's own -t, as in the JMH samples; the quick profile runs -t 1 and -t 4; full runs pick their own -t):
 *   java -jar benchmarks/target/benchmarks.jar TriggerStorm -t 16 -p engine=floor,global-lock,kernel -prof gc
 *
 * The quantity: `threads` threads call trigger() in a loop while `deferred` devices wait on resources that
 * never appear, so every pass the triggers cause re-probes them. Primary: triggers per second (all threads).
 * Secondary: deferred passes per trigger over the measurement iterations (coalescing: far below 1 under a
 * storm), written to the report folder; allocation per trigger comes from -prof gc (gc.alloc.rate.norm,
 * B/op), which the quick profile turns on for this benchmark.
 *
 * Floor: what a trigger must do at the least, with no engine: one increment of a shared trigger count
 * (the kernel's deferred_trigger_count) per call.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TriggerStorm {
    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"100"})
    public int deferred;

    private Engine eng;
    private final AtomicLong floorCount = new AtomicLong();
    private int threads = 1;
    private boolean measuring;
    private Stats before;
    private long triggers;
    private long passes;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        setUp(params.getThreads());
    }

    void setUp(int threadCount) {
        threads = threadCount;
        if (Engines.isFloor(engine)) {
            return;
        }
        eng = Engines.create(engine, EngineConfig.defaults());
        eng.registerDriver(DriverSpec.of("never-drv").withMatches("never"));
        for (int i = 0; i < deferred; i++) {
            eng.registerDevice(DeviceSpec.of("waiter-" + i, "absent-" + i).withCompatible("never"));
        }
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        startIteration(iteration.getType() == IterationType.MEASUREMENT);
    }

    void startIteration(boolean measurement) {
        measuring = measurement;
        before = eng == null ? null : eng.snapshot().stats();
    }

    @Benchmark
    public void trigger() {
        if (eng == null) {
            floorCount.incrementAndGet();
        } else {
            eng.trigger();
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        if (eng == null || !measuring) {
            return;
        }
        eng.awaitQuiescence(java.time.Duration.ofSeconds(10)); // let the passes the triggers queued be counted
        Stats after = eng.snapshot().stats();
        triggers += after.triggers() - before.triggers();
        passes += after.passes() - before.passes();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (eng != null) {
            if (triggers > 0) {
                ReportSink.secondary("TriggerStorm", params(), "passes_per_trigger", (double) passes / triggers);
            }
            eng.close();
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "deferred", String.valueOf(deferred), "threads", String.valueOf(threads));
    }

    double passesPerTrigger() {
        return triggers == 0 ? Double.NaN : (double) passes / triggers;
    }
}
