package org.deferprobe.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
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
 *   java -jar benchmarks/target/benchmarks.jar TriggerLatency -p engine=floor,global-lock,kernel -p registrants=0,64
 * (add -rf json for JMH's own percentiles; set -Ddeferprobe.report.dir=DIR through -jvmArgsAppend to get
 * the .hgrm file, otherwise the percentiles are printed at the end of each trial).
 *
 * The quantity: publish(R) until the consumer waiting on R is bound, while `deferred` other devices wait
 * on resources that never appear and `registrants` background threads register and remove unrelated
 * devices at a fixed rate (open loop, OpenLoopChurn).
 *   publish(R) = registering R's provider device; its sync driver binds it on the calling thread, which
 *                publishes R (publishDelayMicros 0) and triggers (M6), so every engine must then find the
 *                consumer among the deferred devices and re-probe it.
 *   bound      = the consumer's probe has checked its requirements and found all published: the ProbeHook
 *                fires a park/unpark Signal to the measuring thread (no snapshot polling); the bind itself
 *                follows under the same device guard, with a zero-length probe.
 * That interval is recorded exactly, with System.nanoTime, into an HdrHistogram Recorder (measurement
 * iterations only) and reported as percentiles (.hgrm, the table). JMH's SampleTime figure in the JSON
 * is the whole invocation: publish, wait, and the re-arm (remove the provider, remove and re-register the
 * consumer so it defers again), a few microseconds more; JMH has no per-invocation fixture we may use
 * (no Level.Invocation), so the re-arm stays inside the invocation and outside the recorded interval.
 *
 * Floor: a bare thread hand-off with no engine, the same two wake-ups an engine needs at best (publisher
 * to the deferred worker, worker to the waiter): the measuring thread unparks a partner thread, which
 * unparks it back (park/unpark ping-pong through the same Signal). The registrant threads still wake at the
 * same rate, doing nothing, so the floor pays the same scheduling noise.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TriggerLatency {
    static final String RESOURCE = "R";
    static final String CONSUMER = "consumer";
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"1000"})
    public int deferred;

    @Param({"0", "64", "1024"})
    public int registrants;

    /** Register-and-remove cycles per second of each registrant thread (open loop). */
    @Param({"200"})
    public int churnPerSecond;

    private Engine eng;
    private final Signal signal = new Signal();
    private final OpenLoopChurn churn = new OpenLoopChurn();
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Thread partner;
    private final Signal partnerSignal = new Signal();
    private volatile boolean stopPartner;
    private boolean measuring;
    private final DeviceSpec consumer = DeviceSpec.of(CONSUMER, RESOURCE).withCompatible("consumer");
    private final DeviceSpec provider = DeviceSpec.of(RESOURCE).withCompatible("provider").withProvides(RESOURCE);

    @Setup(Level.Trial)
    public void setUp() {
        if (Engines.isFloor(engine)) {
            partner = new Thread(this::partnerLoop, "floor-partner");
            partner.setDaemon(true);
            partner.start();
        } else {
            eng = Engines.create(engine, EngineConfig.defaults().withProbeHook((device, driver, missing) -> {
                if (missing == null && CONSUMER.equals(device)) {
                    signal.fire();
                }
            }));
            eng.registerDriver(DriverSpec.of("never-drv").withMatches("never"));
            for (int i = 0; i < deferred; i++) {
                eng.registerDevice(DeviceSpec.of("waiter-" + i, "absent-" + i).withCompatible("never"));
            }
            eng.registerDriver(DriverSpec.of("consumer-drv").withMatches("consumer"));
            eng.registerDriver(DriverSpec.of("provider-drv").withMatches("provider"));
            OpenLoopChurn.registerDriver(eng);
            eng.registerDevice(consumer); // defers: R is missing
        }
        churn.start(eng, registrants, churnPerSecond);
    }

    /** JMH calls this with the iteration's params; only measurement iterations reach the histogram. */
    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        startIteration(iteration.getType() == IterationType.MEASUREMENT);
    }

    void startIteration(boolean measurement) {
        measuring = measurement;
        recorder.reset();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        Histogram h = recorder.getIntervalHistogram();
        if (measuring) {
            total.add(h);
        }
    }

    @Benchmark
    public long publishUntilBound() {
        return Engines.isFloor(engine) ? pingPong() : publishAndWait();
    }

    private long publishAndWait() {
        signal.arm();
        long start = System.nanoTime();
        eng.registerDevice(provider); // publish(R): binds here, publishes R, triggers
        signal.await(TIMEOUT_NANOS, "consumer bound after publish(R) on " + engine);
        long nanos = System.nanoTime() - start;
        recorder.recordValue(nanos);
        // re-arm: R withdrawn, consumer registered afresh so it defers on R again
        eng.unregisterDevice(RESOURCE);
        eng.unregisterDevice(CONSUMER);
        eng.registerDevice(consumer);
        return nanos;
    }

    private long pingPong() {
        signal.arm();
        long start = System.nanoTime();
        partnerSignal.fire();
        signal.await(TIMEOUT_NANOS, "floor partner's answer");
        long nanos = System.nanoTime() - start;
        recorder.recordValue(nanos);
        return nanos;
    }

    private void partnerLoop() {
        partnerSignal.arm();
        while (!stopPartner) {
            if (!partnerSignal.isFired()) {
                LockSupport.park(this);
                continue;
            }
            partnerSignal.arm(); // re-arm before answering: the next serve can only come after the answer
            signal.fire();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        churn.stop();
        if (partner != null) {
            stopPartner = true;
            LockSupport.unpark(partner);
            partner.join(5_000);
        }
        Map<String, String> params = params();
        if (total.getTotalCount() > 0) {
            ReportSink.histogram("TriggerLatency", params, total);
            ReportSink.secondary("TriggerLatency", params, "p50_us", total.getValueAtPercentile(50) / 1000.0);
            ReportSink.secondary("TriggerLatency", params, "p99_us", total.getValueAtPercentile(99) / 1000.0);
            ReportSink.secondary("TriggerLatency", params, "p999_us", total.getValueAtPercentile(99.9) / 1000.0);
            ReportSink.secondary("TriggerLatency", params, "samples", total.getTotalCount());
        }
        ReportSink.secondary("TriggerLatency", params, "churn_cycles", churn.cycles());
        ReportSink.secondary("TriggerLatency", params, "churn_dropped", churn.dropped());
        if (eng != null) {
            eng.close();
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "deferred", String.valueOf(deferred), "registrants",
                String.valueOf(registrants), "churnPerSecond", String.valueOf(churnPerSecond));
    }

    /** For the smoke test: the histogram of measured intervals so far. */
    Histogram totalHistogram() {
        return total;
    }
}
