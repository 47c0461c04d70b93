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
 * (the quick profile's table shows that, from the median pass).
 *
 * Floor: a plain single-threaded scan doing the same checks with no engine: for each pending device, is
 * every requirement published (a hash lookup)? If so mark it bound, else keep it pending.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 30)
@Fork(1)
@State(Scope.Benchmark)
public class DeferredThroughput {
    static final String RESOURCE = "R";

    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"1000", "10000"})
    public int deferred;

    @Param({"none", "all"})
    public String pass;

    private Engine eng;
    private final DriverSpec devicesDriver = DriverSpec.of("deferred-drv").withMatches("deferred");
    private final DeviceSpec provider = DeviceSpec.of(RESOURCE).withCompatible("provider").withProvides(RESOURCE);
    private long probesBefore;
    private long probedSum;
    private long passes;
    // floor
    private String[][] requires;
    private boolean[] bound;
    private int[] pending;
    private int pendingCount;
    private final java.util.HashSet<String> published = new java.util.HashSet<>();

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        if (!"none".equals(pass) && !"all".equals(pass)) {
            throw new IllegalStateException("pass=" + pass + " must be none or all");
        }
        if (Engines.isFloor(engine)) {
            requires = new String[deferred][];
            for (int i = 0; i < deferred; i++) {
                requires[i] = new String[] {RESOURCE};
            }
            bound = new boolean[deferred];
            pending = new int[deferred];
            if ("all".equals(pass)) {
                published.add(RESOURCE);
            }
            return;
        }
        eng = Engines.create(engine, EngineConfig.defaults());
        for (int i = 0; i < deferred; i++) {
            eng.registerDevice(DeviceSpec.of("d-" + i, RESOURCE).withCompatible("deferred"));
        }
        eng.registerDriver(DriverSpec.of("provider-drv").withMatches("provider"));
        eng.registerDriver(devicesDriver); // every device probes and defers: R is missing
        quiesce();
    }

    /** Re-arm between single-shot iterations: every device deferred, R not published (pass=all). */
    @Setup(Level.Iteration)
    public void rearm() throws InterruptedException {
        if (Engines.isFloor(engine)) {
            java.util.Arrays.fill(bound, false);
            for (int i = 0; i < deferred; i++) {
                pending[i] = i;
            }
            pendingCount = deferred;
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
        if (Engines.isFloor(engine)) {
            return scan();
        }
        if ("all".equals(pass)) {
            eng.registerDevice(provider); // publish(R): binds, publishes, triggers
        } else {
            eng.trigger();
        }
        quiesce();
        return pass.length();
    }

    /** The floor: the same requirement checks, one thread, no engine. */
    private long scan() {
        int kept = 0;
        for (int k = 0; k < pendingCount; k++) {
            int i = pending[k];
            boolean ok = true;
            for (String r : requires[i]) {
                if (!published.contains(r)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                bound[i] = true;
            } else {
                pending[kept++] = i;
            }
        }
        int probed = pendingCount;
        pendingCount = kept;
        return probed;
    }

    /** Counts what the pass really probed: an engine that skips devices shows it in the table. */
    @TearDown(Level.Iteration)
    public void countProbes() {
        if (eng == null) {
            return;
        }
        long probed = eng.snapshot().stats().probeCalls() - probesBefore;
        probedSum += "all".equals(pass) ? probed - 1 : probed; // -1: the provider's own probe
        passes++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (eng != null) {
            if (passes > 0) {
                ReportSink.secondary("DeferredThroughput", params(), "probed_per_pass", (double) probedSum / passes);
            }
            eng.close();
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
}
