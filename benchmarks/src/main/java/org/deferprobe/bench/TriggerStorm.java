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
 * Secondary, per measurement iteration, written to the report folder: deferred passes per trigger
 * (coalescing: far below 1 under a storm), and the allocation of trigger() itself: the bytes the triggering
 * threads allocated (com.sun.management.ThreadMXBean, each thread its own, read at the start and end of the
 * iteration) per trigger. JMH's -prof gc figure (gc.alloc.rate.norm, which the quick profile turns on) counts
 * every thread of the JVM, the engine's executor running the passes included, so it is reported beside it.
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
    private int iteration;
    private long ownBytes;
    private long ownCalls;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        setUp(params.getThreads());
    }

    void setUp(int threadCount) {
        threads = threadCount;
        if (Engines.isFloor(engine)) {
            return;
        }
        EngineConfig config = EngineConfig.defaults();
        eng = Engines.create(engine, config);
        Engines.recordTestFlaw("TriggerStorm", params(), engine);
        Engines.prestart(eng, config.executorThreads());
        eng.registerDriver(DriverSpec.of("never-drv").withMatches("never"));
        for (int i = 0; i < deferred; i++) {
            eng.registerDevice(DeviceSpec.of("waiter-" + i, "absent-" + i).withCompatible("never"));
        }
        Engines.quiesce(eng, "setting up " + deferred + " waiters");
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        startIteration(iteration.getType() == IterationType.MEASUREMENT);
    }

    void startIteration(boolean measurement) {
        measuring = measurement;
        before = eng == null ? null : eng.snapshot().stats();
    }

    /**
     * Each triggering thread's own count and allocation over one measurement iteration (JMH runs a Scope.Thread
     * state's iteration fixtures on its own thread).
     */
    @State(Scope.Thread)
    public static class Own {
        private static final com.sun.management.ThreadMXBean MX =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long calls;
        private long bytesBefore;
        private int iteration;
        private boolean measuring;

        @Setup(Level.Iteration)
        public void start(IterationParams iteration) {
            start(iteration.getType() == IterationType.MEASUREMENT);
        }

        void start(boolean measurement) {
            measuring = measurement;
            calls = 0;
            bytesBefore = MX.getCurrentThreadAllocatedBytes();
        }

        @TearDown(Level.Iteration)
        public void end(TriggerStorm storm) {
            long bytes = MX.getCurrentThreadAllocatedBytes() - bytesBefore;
            if (measuring) {
                Map<String, String> params = storm.params();
                ReportSink.iteration("TriggerStorm", params, "own_alloc_bytes", iteration, bytes);
                ReportSink.iteration("TriggerStorm", params, "own_calls", iteration, calls);
                iteration++;
            }
            storm.addOwn(bytes, calls);
        }
    }

    @Benchmark
    public void trigger(Own own) {
        own.calls++;
        if (eng == null) {
            floorCount.incrementAndGet();
        } else {
            eng.trigger();
        }
    }

    private synchronized void addOwn(long bytes, long calls) {
        ownBytes += bytes;
        ownCalls += calls;
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        if (eng == null || !measuring) {
            return;
        }
        Engines.quiesce(eng, "a trigger storm"); // let the passes the triggers queued be counted
        Stats after = eng.snapshot().stats();
        long t = after.triggers() - before.triggers();
        long p = after.passes() - before.passes();
        triggers += t;
        passes += p;
        ReportSink.iteration("TriggerStorm", params(), "triggers", iteration, t);
        ReportSink.iteration("TriggerStorm", params(), "passes", iteration, p);
        iteration++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (eng != null) {
            eng.close();
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "deferred", String.valueOf(deferred), "threads", String.valueOf(threads));
    }

    double passesPerTrigger() {
        return triggers == 0 ? Double.NaN : (double) passes / triggers;
    }

    /** For the smoke test: the triggering threads' own bytes per trigger() call so far. */
    synchronized double ownBytesPerCall() {
        return ownCalls == 0 ? Double.NaN : (double) ownBytes / ownCalls;
    }
}
