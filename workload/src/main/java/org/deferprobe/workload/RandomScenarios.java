package org.deferprobe.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;

/**
 * Random dependency-graph scenarios, reproducible from a seed: the workload of the Boot and
 * RegistrationStorm benchmarks and of soaks.
 *
 * <p>Device {@code dev-i} requires between 0 and {@code maxFanIn} distinct devices {@code dev-j} with
 * {@code j < i}, so the requires graph is acyclic and every device can bind once every driver is
 * registered. Each device has its own driver (named like it), async with probability {@code asyncFraction},
 * whose probe sleeps {@code probeMicros}. Steps: every device, then every driver in a shuffled order (the
 * module load order has nothing to do with the dependency order, which is what makes devices defer), then
 * quiesce.
 *
 * <p>{@link #longestChain} and {@link #criticalPathMicros} work on any scenario (JSON or device tree):
 * they give the Boot benchmark its lower bound.
 */
public final class RandomScenarios {
    private RandomScenarios() {
    }

    /**
     * @param seed          same seed, same scenario
     * @param devices       number of devices (and drivers), at least 1
     * @param maxFanIn      most requirements per device, at least 0
     * @param asyncFraction probability that a driver probes asynchronously, 0 to 1
     * @param probeMicros   every probe's sleeping duration, at least 0
     */
    public static Scenario generate(long seed, int devices, int maxFanIn, double asyncFraction, long probeMicros) {
        if (devices < 1) {
            throw new IllegalArgumentException("devices=" + devices + " must be at least 1");
        }
        if (maxFanIn < 0) {
            throw new IllegalArgumentException("maxFanIn=" + maxFanIn + " must not be negative");
        }
        if (!(asyncFraction >= 0 && asyncFraction <= 1)) {
            throw new IllegalArgumentException("asyncFraction=" + asyncFraction + " must be between 0 and 1");
        }
        if (probeMicros < 0) {
            throw new IllegalArgumentException("probeMicros=" + probeMicros + " must not be negative");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<DeviceSpec> deviceSpecs = new ArrayList<>(devices);
        List<DriverSpec> driverSpecs = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            String name = "dev-" + i;
            int fanIn = Math.min(i, rnd.nextInt(maxFanIn + 1));
            List<String> requires = new ArrayList<>(fanIn);
            while (requires.size() < fanIn) {
                String supplier = "dev-" + rnd.nextInt(i);
                if (!requires.contains(supplier)) {
                    requires.add(supplier);
                }
            }
            deviceSpecs.add(DeviceSpec.of(name, requires.toArray(String[]::new)));
            DriverSpec drv = DriverSpec.of(name).withProbeMicros(probeMicros);
            driverSpecs.add(rnd.nextDouble() < asyncFraction ? drv.async() : drv);
        }
        List<String> driverOrder = new ArrayList<>(driverSpecs.size());
        driverSpecs.forEach(d -> driverOrder.add(d.name()));
        Collections.shuffle(driverOrder, new java.util.Random(rnd.nextLong()));
        List<Step> steps = List.of(new Step.RegisterDevices(null), new Step.RegisterDrivers(driverOrder),
                new Step.Quiesce());
        String name = "random(seed=" + seed + ", devices=" + devices + ", maxFanIn=" + maxFanIn + ", async="
                + asyncFraction + ", probeMicros=" + probeMicros + ")";
        return new Scenario(name, driverSpecs, deviceSpecs, steps, null);
    }

    /**
     * The number of devices on the longest dependency chain (a device with no dependency is a chain of 1), under
     * the rules of {@link #criticalPathMicros} with every probe counting 1.
     *
     * @throws IllegalArgumentException naming a device on a dependency cycle
     */
    public static int longestChain(Scenario scenario) {
        return (int) longestPath(scenario, false);
    }

    /**
     * The lower bound of a boot's makespan: the heaviest chain of probe times (sleep plus spin, of the first driver
     * matching each device) no engine can beat, however parallel. A device's probe ends its probe time after it
     * starts, and it starts no sooner than
     * <ul>
     *   <li>the end of the earliest probe of a provider of each resource it requires (a requirement no device
     *       provides adds nothing);</li>
     *   <li>the end of each supplier's probe (its device links; with fw_devlink on the probe is not called before);</li>
     *   <li>the end of its parent's probe, if it is among a device's {@code children} (the parent's probe
     *       registers it at its end, once it has everything: SimulatedProbe).</li>
     * </ul>
     * Devices a driver's {@code registersDevices} adds are not in the bound (their parent is not known before
     * the run).
     *
     * @throws IllegalArgumentException naming a device on a dependency cycle
     */
    public static long criticalPathMicros(Scenario scenario) {
        return longestPath(scenario, true);
    }

    private static long longestPath(Scenario scenario, boolean weighted) {
        Map<String, List<DeviceSpec>> providers = new HashMap<>();
        Map<String, DeviceSpec> byName = new HashMap<>();
        Map<String, DeviceSpec> parentOf = new HashMap<>();
        List<DeviceSpec> all = new ArrayList<>();
        List<DeviceSpec> todo = new ArrayList<>(scenario.devices());
        while (!todo.isEmpty()) { // the listed devices and their children, at any depth
            DeviceSpec d = todo.remove(todo.size() - 1);
            if (byName.putIfAbsent(d.name(), d) != null) {
                continue;
            }
            all.add(d);
            for (DeviceSpec c : d.children()) {
                parentOf.put(c.name(), d);
                todo.add(c);
            }
        }
        for (DeviceSpec d : all) {
            for (String r : d.provides()) {
                providers.computeIfAbsent(r, k -> new ArrayList<>()).add(d);
            }
        }
        Graph g = new Graph(providers, byName, parentOf, new HashMap<>(), new HashMap<>(), new HashMap<>());
        for (DeviceSpec d : all) {
            g.weight.put(d.name(), weighted ? probeMicrosOf(scenario, d) : 1L);
        }
        long best = 0;
        for (DeviceSpec d : all) {
            best = Math.max(best, end(d, g));
        }
        return best;
    }

    private record Graph(Map<String, List<DeviceSpec>> providers, Map<String, DeviceSpec> byName,
                         Map<String, DeviceSpec> parentOf, Map<String, Long> weight, Map<String, Long> memo,
                         Map<String, Boolean> onPath) {
    }

    /** When d's probe ends at the earliest (recursive, memoized; with weights 1, the chain length). */
    private static long end(DeviceSpec d, Graph g) {
        Long known = g.memo.get(d.name());
        if (known != null) {
            return known;
        }
        if (g.onPath.putIfAbsent(d.name(), Boolean.TRUE) != null) {
            throw new IllegalArgumentException("dependency cycle through device " + d.name());
        }
        long start = 0;
        for (String r : d.requires()) {
            // the earliest provider determines when r appears: take the shallowest of several providers
            long earliest = Long.MAX_VALUE;
            for (DeviceSpec p : g.providers.getOrDefault(r, List.of())) {
                if (!p.name().equals(d.name())) {
                    earliest = Math.min(earliest, end(p, g));
                }
            }
            if (earliest != Long.MAX_VALUE) {
                start = Math.max(start, earliest);
            }
        }
        for (String s : d.suppliers()) {
            DeviceSpec supplier = g.byName.get(s);
            if (supplier != null) {
                start = Math.max(start, end(supplier, g));
            }
        }
        DeviceSpec parent = g.parentOf.get(d.name());
        if (parent != null) {
            start = Math.max(start, end(parent, g));
        }
        g.onPath.remove(d.name());
        long result = start + g.weight.get(d.name());
        g.memo.put(d.name(), result);
        return result;
    }

    private static long probeMicrosOf(Scenario scenario, DeviceSpec d) {
        for (DriverSpec drv : scenario.drivers()) {
            if (drv.bus().equals(d.bus()) && !Collections.disjoint(drv.matches(), d.compatible())) {
                return drv.probeMicros() + drv.spinMicros();
            }
        }
        return 0;
    }
}
