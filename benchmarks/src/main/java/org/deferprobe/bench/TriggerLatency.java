package org.deferprobe.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
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
 *   java -jar benchmarks/target/benchmarks.jar TriggerLatency -p engine=floor,global-lock,kernel -p registrants=0,64,2048
 * (set -Ddeferprobe.report.dir=DIR through -jvmArgsAppend to get the .hlog/.hgrm files, otherwise the
 * percentiles are printed at the end of each trial).
 *
 * The quantity: publish(R) until the consumer waiting on R is bound, while `deferred` other devices wait
 * on resources that never appear and `registrants` background threads register and remove unrelated
 * devices at a fixed total rate `churnTotal` (open loop, OpenLoopChurn: the same load for 64 and for 1024
 * registrants, so the registrant count measures concurrency, not load).
 *   publish(R) = registering R's provider device; its sync driver binds it on the calling thread, which
 *                publishes R (publishDelayMicros 0) and triggers (M6), so every engine must then find the
 *                consumer among the deferred devices and re-probe it.
 *   bound      = the consumer's probe has checked its requirements and found all published: the ProbeHook
 *                fires a park/unpark Signal to the publisher (no snapshot polling); the bind follows under the
 *                same device guard, with a zero-length probe.
 *
 * The publisher is open loop: publish k is due at start + k / publishPerSecond, whatever happened before;
 * each sample is recorded from its INTENDED start (HdrHistogram's practice against coordinated omission:
 * a publish that could not start on time because the engine was still busy with the previous one is late by
 * that much). The service time from the actual start is recorded beside it. The thread parks until 200 us
 * before the due time and spins the rest, so timer slack (50 us on Linux) and the wake-up of a parked thread
 * are not counted as latency.
 *
 * Independent samples: after each sample, untimed (before the next due time): the re-arm (R withdrawn, the
 * consumer removed and registered afresh so it defers on R again) and a wait for quiescence, so the second
 * pass the consumer's own bind triggers has run before the next publish and every sample starts from the same
 * state on every engine. Under churn an engine is quiescent only between the registrants' cycles; the wait
 * ends at the latest when the next publish is due (it never delays the schedule), and a publish that finds
 * the engine still busy is counted (not_quiescent per iteration): an engine that is rarely quiescent at this
 * load is near saturation, and its latency shows it.
 *
 * JMH's own figure (Throughput) is the achieved publish rate: at most publishPerSecond, below it when the
 * engine cannot keep up. The latency histograms, one HdrHistogram per measurement iteration, go to the report
 * folder as an HdrHistogram log (.hlog) and a percentile file (.hgrm); the quick profile bootstraps over them.
 *
 * Floor: a bare thread hand-off with no engine, the same two wake-ups an engine needs at best (publisher
 * to the deferred worker, worker to the waiter): the publisher unparks a partner thread, which unparks it
 * back (park/unpark ping-pong through the same Signal), on the same schedule. The registrant threads still
 * wake at the same rate, doing nothing, so the floor pays the same scheduling noise.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TriggerLatency {
    static final String RESOURCE = "R";
    static final String CONSUMER = "consumer";
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The publisher parks until this long before a publish is due, then spins. */
    static final long SPIN_NANOS = 200_000;

    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"1000"})
    public int deferred;

    @Param({"0", "64", "1024", "2048"})
    public int registrants;

    /** Register-and-remove cycles per second over all registrant threads (open loop); unused with 0 registrants. */
    @Param({"800"})
    public int churnTotal;

    /** Publishes per second (open loop): the sample rate. */
    @Param({"250"})
    public int publishPerSecond;

    private Engine eng;
    private final Signal signal = new Signal();
    private final OpenLoopChurn churn = new OpenLoopChurn();
    private Thread partner;
    private final Signal partnerSignal = new Signal();
    private volatile boolean stopPartner;
    private final DeviceSpec consumer = DeviceSpec.of(CONSUMER, RESOURCE).withCompatible("consumer");
    private final DeviceSpec provider = DeviceSpec.of(RESOURCE).withCompatible("provider").withProvides(RESOURCE);

    private long periodNanos;
    private long nextDue;
    private boolean measuring;
    private int iteration;
    private Histogram latency = new Histogram(3);
    private Histogram service = new Histogram(3);
    private final List<Histogram> latencies = new ArrayList<>();
    private final List<Histogram> services = new ArrayList<>();
    private long notQuiescent;
    private long iterationStart;
    private long cyclesAtStart;
    private double dueAtStart;

    @Setup(Level.Trial)
    public void setUp() {
        if (publishPerSecond <= 0) {
            throw new IllegalStateException("publishPerSecond=" + publishPerSecond + " must be positive");
        }
        periodNanos = TimeUnit.SECONDS.toNanos(1) / publishPerSecond;
        if (Engines.isFloor(engine)) {
            partner = new Thread(this::partnerLoop, "floor-partner");
            partner.setDaemon(true);
            partner.start();
        } else {
            EngineConfig config = EngineConfig.defaults().withProbeHook((device, driver, missing) -> {
                if (missing == null && CONSUMER.equals(device)) {
                    signal.fire();
                }
            });
            eng = Engines.create(engine, config);
            Engines.recordTestFlaw("TriggerLatency", params(), engine);
            Engines.prestart(eng, config.executorThreads());
            eng.registerDriver(DriverSpec.of("never-drv").withMatches("never"));
            for (int i = 0; i < deferred; i++) {
                eng.registerDevice(DeviceSpec.of("waiter-" + i, "absent-" + i).withCompatible("never"));
            }
            eng.registerDriver(DriverSpec.of("consumer-drv").withMatches("consumer"));
            eng.registerDriver(DriverSpec.of("provider-drv").withMatches("provider"));
            OpenLoopChurn.registerDriver(eng);
            eng.registerDevice(consumer); // defers: R is missing
            Engines.quiesce(eng, "setting up " + deferred + " waiters");
        }
        churn.start(eng, registrants, churnTotal);
    }

    /** JMH calls this with the iteration's params; only measurement iterations reach the histograms. */
    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        startIteration(iteration.getType() == IterationType.MEASUREMENT);
    }

    void startIteration(boolean measurement) {
        measuring = measurement;
        latency = new Histogram(3);
        service = new Histogram(3);
        notQuiescent = 0;
        iterationStart = System.nanoTime();
        cyclesAtStart = churn.cycles();
        dueAtStart = churn.due(iterationStart);
        nextDue = iterationStart + periodNanos; // the schedule restarts with each iteration
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (!measuring) {
            return;
        }
        long end = System.nanoTime();
        latencies.add(latency);
        services.add(service);
        Map<String, String> params = params();
        double seconds = (end - iterationStart) / 1e9;
        ReportSink.iteration("TriggerLatency", params, "samples", iteration, latency.getTotalCount());
        ReportSink.iteration("TriggerLatency", params, "not_quiescent", iteration, notQuiescent);
        if (registrants > 0) {
            long cycles = churn.cycles();
            double due = churn.due(end);
            ReportSink.iteration("TriggerLatency", params, "churn_achieved_per_s", iteration, (cycles - cyclesAtStart) / seconds);
            ReportSink.iteration("TriggerLatency", params, "churn_offered_per_s", iteration, (due - dueAtStart) / seconds);
            ReportSink.iteration("TriggerLatency", params, "churn_backlog", iteration, Math.max(0, due - cycles));
        }
        iteration++;
    }

    /** One publish slot: wait until it is due, publish, wait for the bind, record, re-arm (untimed). */
    @Benchmark
    public long publishSlot() throws InterruptedException {
        long due = nextDue;
        nextDue += periodNanos;
        waitUntil(due);
        long begin = System.nanoTime();
        if (eng == null) {
            pingPong();
        } else {
            signal.arm();
            eng.registerDevice(provider); // publish(R): binds here, publishes R, triggers
            signal.await(TIMEOUT_NANOS, "consumer bound after publish(R) on " + engine);
        }
        long end = System.nanoTime();
        if (measuring) {
            latency.recordValue(end - due);
            service.recordValue(end - begin);
        }
        if (eng != null) {
            // re-arm: R withdrawn, consumer registered afresh so it defers on R again; then the bind's own pass
            eng.unregisterDevice(RESOURCE);
            eng.unregisterDevice(CONSUMER);
            eng.registerDevice(consumer);
            long left = nextDue - SPIN_NANOS - System.nanoTime(); // never past the next due time
            if (!eng.awaitQuiescence(Duration.ofNanos(Math.max(0, left)))) {
                notQuiescent++;
            }
        }
        return end - due;
    }

    private static void waitUntil(long due) {
        for (long now = System.nanoTime(); now - due < 0; now = System.nanoTime()) {
            if (due - now > SPIN_NANOS) {
                LockSupport.parkNanos(due - now - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void pingPong() {
        signal.arm();
        partnerSignal.fire();
        signal.await(TIMEOUT_NANOS, "floor partner's answer");
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
        if (!latencies.isEmpty()) {
            ReportSink.histograms("TriggerLatency", params, "latency", latencies);
            ReportSink.histograms("TriggerLatency", params, "service", services);
        }
        if (eng != null) {
            eng.close();
        }
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "deferred", String.valueOf(deferred), "registrants", String.valueOf(registrants),
                "churnTotal", String.valueOf(churnTotal), "publishPerSecond", String.valueOf(publishPerSecond));
    }

    /** For the smoke test: the measured iterations' latency histograms. */
    List<Histogram> latencyHistograms() {
        return latencies;
    }
}
