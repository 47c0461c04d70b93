package org.deferprobe.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.EngineEvents;
import org.deferprobe.engine.FwDevlink;

/**
 * How long each bind came after everything the device needed was there: its own registration, its driver's, the
 * bind of each supplier (fw_devlink on) and the latest publication of each resource it requires. The cost a
 * design adds on top of the dependencies themselves: a kernel that misses a late publication (B2) binds the
 * consumer only when something else triggers, in a boot at the deferred_probe_timeout.
 *
 * <p>Fed by {@link EngineEvents} on the engine's threads (quick map updates); read once the run is quiescent.
 * A supplier that never bound counts as there from the moment the deferred_probe_timeout fired (which relaxes
 * such links).
 */
final class BindLatency implements EngineEvents {
    /** One bind: the device, how long after everything was there, and whether the timeout's pass made it. */
    record Sample(String device, long micros, boolean atTimeout) {
    }

    private final Map<String, DeviceSpec> specs;
    private final boolean linksGate;
    private final long start = System.nanoTime();
    private final ConcurrentHashMap<String, Long> registered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> driverRegistered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> boundAt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> publishedAt = new ConcurrentHashMap<>();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private volatile long timeoutAt = -1;

    BindLatency(Scenario scenario, FwDevlink mode) {
        this.specs = scenario.everyDevice();
        this.linksGate = mode == FwDevlink.ON;
    }

    @Override
    public void deviceRegistered(String device) {
        registered.put(device, System.nanoTime());
    }

    @Override
    public void driverRegistered(String driver) {
        driverRegistered.put(driver, System.nanoTime());
    }

    @Override
    public void published(String device, List<String> resources) {
        long now = System.nanoTime();
        resources.forEach(r -> publishedAt.put(r, now));
    }

    @Override
    public void deferredProbeTimeout() {
        timeoutAt = System.nanoTime();
    }

    @Override
    public void bound(String device, String driver) {
        long now = System.nanoTime();
        long ready = Math.max(registered.getOrDefault(device, start), driverRegistered.getOrDefault(driver, start));
        DeviceSpec spec = specs.get(device);
        if (spec != null) {
            for (String r : spec.requires()) {
                ready = Math.max(ready, publishedAt.getOrDefault(r, now)); // not published: bound anyway? then now
            }
            if (linksGate) {
                for (String s : spec.suppliers()) {
                    Long b = boundAt.get(s);
                    ready = Math.max(ready, b != null ? b : timeoutAt >= 0 ? timeoutAt : now);
                }
            }
        }
        boundAt.put(device, now);
        long t = timeoutAt;
        samples.add(new Sample(device, Math.max(0, now - ready) / 1_000, t >= 0 && now >= t && ready < t));
    }

    /** The figures of a run, or null if nothing bound. */
    RunResult.BindLatency summary() {
        List<Sample> all;
        synchronized (samples) {
            all = new ArrayList<>(samples);
        }
        if (all.isEmpty()) {
            return null;
        }
        List<Long> sorted = all.stream().map(Sample::micros).sorted().toList();
        Sample worst = all.stream().max((a, b) -> Long.compare(a.micros(), b.micros())).orElseThrow();
        Map<String, Long> atTimeout = new TreeMap<>();
        all.stream().filter(Sample::atTimeout).forEach(s -> atTimeout.merge(s.device(), s.micros(), Math::max));
        return new RunResult.BindLatency(all.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1), worst.device(), worst.micros(), atTimeout);
    }

    /** Nearest-rank percentile. */
    private static long percentile(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
