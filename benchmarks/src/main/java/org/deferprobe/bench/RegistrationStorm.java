package org.deferprobe.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.workload.RandomScenarios;
import org.deferprobe.workload.Scenario;
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
 *   java -jar benchmarks/target/benchmarks.jar RegistrationStorm -p engine=floor,global-lock,kernel -p registrants=1,16,256,2048
 *
 * The quantity: `registrants` threads register `devices` devices and their drivers (one driver each, sync,
 * zero-length probes) over a random acyclic dependency graph (RandomScenarios, fixed seed, fan-in up to 3),
 * all 2 x devices registrations shuffled and dealt round-robin to the threads; time from the start signal
 * to quiescence. Secondary: probe calls per device (1 would be perfect: every device probed once, when it
 * can bind), written to the report folder.
 * Mode SingleShotTime: each iteration is one storm on a fresh engine made in the per-iteration setup, whose
 * executor threads are all started there (Engines.prestart); the registrant threads are made and started once
 * per trial and reused, so no thread starts inside a timed storm.
 *
 * Floor: the same threads make the same registrations into a ConcurrentHashMap and nothing else: the cost
 * of dealing the work to the threads and joining them, with no matching, probing or deferral.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Benchmark)
public class RegistrationStorm {
    @Param({"floor", "global-lock", "kernel", "lock-free", "indexed"})
    public String engine;

    @Param({"1", "16", "256", "2048"})
    public int registrants;

    @Param({"10000"})
    public int devices;

    private List<List<Object>> shares;
    private ExecutorService pool;
    private Engine eng;
    private ConcurrentHashMap<String, Object> floorMap;
    private long probesBefore;
    private long bindsBefore;
    private boolean measuring;
    private double probesPerDeviceSum;
    private int measured;

    @Setup(Level.Trial)
    public void setUp() {
        Engines.requireKnown(engine);
        Engines.recordTestFlaw("RegistrationStorm", params(), engine);
        Scenario s = RandomScenarios.generate(2026, devices, 3, 0.0, 0);
        List<Object> all = new ArrayList<>(s.devices());
        all.addAll(s.drivers());
        Collections.shuffle(all, new Random(7));
        shares = new ArrayList<>();
        for (int t = 0; t < registrants; t++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            shares.get(i % registrants).add(all.get(i));
        }
        ThreadPoolExecutor threads = new ThreadPoolExecutor(registrants, registrants, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "storm-registrant");
                    t.setDaemon(true);
                    return t;
                });
        threads.prestartAllCoreThreads();
        pool = threads;
    }

    @Setup(Level.Iteration)
    public void freshEngine(IterationParams iteration) {
        freshEngine(iteration.getType() == IterationType.MEASUREMENT);
    }

    void freshEngine(boolean measurement) {
        measuring = measurement;
        if (Engines.isFloor(engine)) {
            floorMap = new ConcurrentHashMap<>();
        } else {
            EngineConfig config = EngineConfig.defaults();
            eng = Engines.create(engine, config);
            Engines.prestart(eng, config.executorThreads());
            probesBefore = eng.snapshot().stats().probeCalls();
            bindsBefore = eng.snapshot().stats().binds();
        }
    }

    @Benchmark
    public long storm() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(registrants);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (List<Object> share : shares) {
            pool.execute(() -> {
                try {
                    start.await();
                    for (Object o : share) {
                        register(o);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(engine + ": " + registrants + " registrants did not finish within 120 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(engine + ": a registration failed: " + failure.get(), failure.get());
        }
        if (eng != null && !eng.awaitQuiescence(Duration.ofSeconds(120))) {
            throw new IllegalStateException(engine + " not quiescent 120 s after the storm");
        }
        return eng == null ? floorMap.size() : 0;
    }

    private void register(Object o) {
        if (eng == null) {
            String name = o instanceof DeviceSpec d ? "dev:" + d.name() : "drv:" + ((DriverSpec) o).name();
            floorMap.putIfAbsent(name, o);
        } else if (o instanceof DeviceSpec d) {
            eng.registerDevice(d);
        } else {
            eng.registerDriver((DriverSpec) o);
        }
    }

    @TearDown(Level.Iteration)
    public void closeEngine() {
        if (eng == null) {
            return;
        }
        var snap = eng.snapshot();
        eng.close();
        eng = null;
        long bound = snap.stats().binds() - bindsBefore;
        if (bound != devices) {
            throw new IllegalStateException(engine + " bound " + bound + " of " + devices + " devices after the storm; "
                    + "still deferred: " + snap.deferred().size());
        }
        if (measuring) {
            double perDevice = (double) (snap.stats().probeCalls() - probesBefore) / devices;
            ReportSink.iteration("RegistrationStorm", params(), "probes_per_device", measured, perDevice);
            probesPerDeviceSum += perDevice;
            measured++;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    Map<String, String> params() {
        return Map.of("engine", engine, "registrants", String.valueOf(registrants), "devices", String.valueOf(devices));
    }

    double probesPerDevice() {
        return measured == 0 ? Double.NaN : probesPerDeviceSum / measured;
    }
}
