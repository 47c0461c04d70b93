package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;

/**
 * The soak's workload, generated from a seed: same seed and size, same workload (the devices, drivers and
 * their behaviour; {@link RoundPlan} adds the operations of each round).
 *
 * <p>{@code d<i>} devices on three buses form a random acyclic requires graph (each requires up to three
 * earlier devices that can bind, half of them among
 * the 20 latest so chains get deep), each with its own driver: sync or async,
 * sleeping 0 to 500 us, some failing, some publishing late (seeds 001/002). Then, apart:
 * <ul>
 *   <li>orphans: devices that also require a {@code ghost-*} resource nobody provides: they stay deferred;
 *   <li>cycles: groups of three {@code cyc<g>.<k>} devices requiring each other: they stay deferred;
 *   <li>parents: drivers whose probe registers child drivers ({@code child<k>}, on the parent's bus or another)
 *       matching their own {@code c<k>.<m>} devices (M11, seed 004); children match no parent, so no two probes
 *       register drivers for each other's devices (which would deadlock the kernel too);
 *   <li>device parents: drivers whose probe registers one to three child devices {@code pc<k>.<m>} (M16, an i2c
 *       or spi controller populating its bus, seed 004's optee), on its bus or another, each with its own sync or
 *       async driver; parents need nothing (one that could defer would livelock with children that bind: B5),
 *       and a third of them fail, so their error path removes the children again; no step registers a child;
 *   <li>hot-plug devices {@code hp<k>} with async drivers: registered and at once unregistered in each round
 *       (seed 003);
 *   <li>the tail ({@link #tail}): two provider-consumer pairs registered after quiescence;
 *   <li>the stuck probe (phase 0): an async device {@code stuck} whose probe the soak blocks while
 *       {@code sp<k>} drivers are registered on its bus from every thread (the revert's case 1, seed 004);
 *   <li>with {@code livelock}, one device whose probe registers a child that binds, then defers for ever (B5, the
 *       dwc3 report of seed 002).
 * </ul>
 * Every device provides its own name.
 */
final class SoakWorkload {
    static final List<String> BUSES = List.of("platform", "i2c", "spi");
    static final String LIVELOCK_DEVICE = "livelock";
    static final String LIVELOCK_CHILD = "ll-child";
    /** The device whose probe the soak blocks in phase 0, and its driver (async: the block is on the executor). */
    static final String STUCK_DEVICE = "stuck";
    /** How many sp<k> drivers phase 0 registers on the stuck device's bus, one per thread up to this. */
    static final int STUCK_PHASE_DRIVERS = 32;

    final long seed;
    final int size;
    final boolean livelock;
    /** Devices registered in phase 1, in generation order. */
    final List<DeviceSpec> devices = new ArrayList<>();
    /** Hot-plug devices, registered and removed in phase 2. */
    final List<DeviceSpec> hotplug = new ArrayList<>();
    /**
     * The tail, registered one after another by one thread once the round is quiescent, so that nothing
     * triggers after them: a late publisher and its consumer (seeds 001/002), then an async provider and a
     * consumer whose probe sleeps across the provider's bind (seed 000). The windows are wide (a publication
     * 100 ms late, a consumer probe of 20 ms) so that a loaded machine's scheduling delays do not close them.
     */
    final List<DeviceSpec> tail = new ArrayList<>();
    /** Drivers the soak registers, by name, in generation order. */
    final Map<String, DriverSpec> drivers = new LinkedHashMap<>();
    /** Drivers only a probe registers, by name, and the parent driver whose probe does. */
    final Map<String, String> childParent = new LinkedHashMap<>();
    /** Devices only a probe registers (M16), by name, and the parent driver whose probe does. */
    final Map<String, String> childDeviceParent = new LinkedHashMap<>();
    /** The stuck device and the sp<k> devices of phase 0; their drivers are in {@link #drivers}. */
    final List<DeviceSpec> stuckPhase = new ArrayList<>();
    /** The driver of each device (each device has exactly one matching driver). */
    final Map<String, String> driverOf = new LinkedHashMap<>();
    /** Resources published late (their provider's driver has publishDelayMicros > 0). */
    final Set<String> lateResources = new HashSet<>();
    /** Resources nobody provides, and devices on a requires cycle: none of these may ever bind. */
    final Set<String> ghosts = new HashSet<>();
    final Set<String> cycleDevices = new HashSet<>();
    final Set<String> orphans = new HashSet<>();
    /** Devices with supplier links (fw_devlink): each links to the devices it requires. */
    final Set<String> linked = new HashSet<>();
    private final Map<String, DeviceSpec> byName = new HashMap<>();

    private SoakWorkload(long seed, int size, boolean livelock) {
        this.seed = seed;
        this.size = size;
        this.livelock = livelock;
    }

    /**
     * @param size number of {@code d<i>} devices, at least 10; the extras scale with it
     */
    static SoakWorkload generate(long seed, int size, boolean livelock) {
        if (size < 10) {
            throw new IllegalArgumentException("devices=" + size + " must be at least 10");
        }
        SoakWorkload w = new SoakWorkload(seed, size, livelock);
        w.build(new SplittableRandom(seed));
        w.devices.forEach(d -> w.byName.put(d.name(), d));
        w.hotplug.forEach(d -> w.byName.put(d.name(), d));
        w.tail.forEach(d -> w.byName.put(d.name(), d));
        w.stuckPhase.forEach(d -> w.byName.put(d.name(), d));
        w.drivers.values().forEach(drv -> drv.registersDevices().forEach(c -> w.byName.put(c.name(), c)));
        return w;
    }

    private void build(SplittableRandom rnd) {
        int children = 0;
        List<Integer> suppliers = new ArrayList<>(); // devices that will bind: orphans and failing ones are not
        for (int i = 0; i < size; i++) {
            String name = "d" + i;
            String bus = pickBus(rnd);
            List<String> requires = new ArrayList<>();
            int n = suppliers.size();
            int fanIn = Math.min(n, rnd.nextInt(4));
            while (requires.size() < fanIn) {
                int j = suppliers.get(rnd.nextBoolean() ? n - 1 - rnd.nextInt(Math.min(n, 20)) : rnd.nextInt(n));
                if (!requires.contains("d" + j)) {
                    requires.add("d" + j);
                }
            }
            if (rnd.nextInt(100) < 3) {
                String ghost = "ghost-" + i;
                requires.add(rnd.nextInt(requires.size() + 1), ghost);
                ghosts.add(ghost);
                orphans.add(name);
            }
            DriverSpec drv = randomDriver(rnd, name, bus);
            // M16: its probe populates one to three child devices. Only a parent that needs nothing: one that can
            // defer would have its children bind and trigger, and be re-probed until its requirement binds (B5,
            // the --livelock device's business). A third of them fail, so their error path removes the children.
            if (requires.isEmpty() && rnd.nextInt(100) < 6) {
                List<DeviceSpec> kids = new ArrayList<>();
                for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
                    String kid = "pc" + i + "." + m;
                    String kidBus = rnd.nextInt(3) == 0 ? pickBus(rnd) : bus;
                    kids.add(new DeviceSpec(kid, kidBus, List.of(kid), List.of(), List.of(kid)));
                    DriverSpec kidDriver = DriverSpec.of(kid).withBus(kidBus);
                    if (rnd.nextBoolean()) {
                        kidDriver = kidDriver.async();
                    }
                    drivers.put(kid, kidDriver);
                    driverOf.put(kid, kid);
                    childDeviceParent.put(kid, name);
                }
                drv = drv.registeringDevices(kids.toArray(DeviceSpec[]::new));
                if (rnd.nextInt(3) == 0) {
                    drv = drv.failing();
                }
            }
            if (rnd.nextInt(100) < 3) {
                List<DriverSpec> registered = new ArrayList<>();
                for (int c = 1 + rnd.nextInt(2); c > 0; c--, children++) {
                    registered.add(childFamily(rnd, children, bus, name));
                }
                drv = drv.registering(registered.toArray(DriverSpec[]::new));
                for (DriverSpec child : registered) {
                    childParent.put(child.name(), drv.name());
                }
            }
            // fw_devlink: half of the devices that need others have links to them (a DT's phandles), which the
            // model checks before the probe (with fw_devlink on); the probe still looks them up (requires)
            List<String> links = !requires.isEmpty() && rnd.nextBoolean()
                    ? requires.stream().filter(r -> !ghosts.contains(r)).toList() : List.of();
            if (!links.isEmpty()) {
                linked.add(name);
            }
            add(new DeviceSpec(name, bus, List.of(name), requires, List.of(name), links, List.of()), drv);
            if (!orphans.contains(name) && !drv.fails()) {
                suppliers.add(i);
            }
        }
        for (int g = 0; g < Math.max(1, size / 1000); g++) {
            for (int k = 0; k < 3; k++) {
                String name = "cyc" + g + "." + k;
                cycleDevices.add(name);
                add(DeviceSpec.of(name, "cyc" + g + "." + ((k + 1) % 3)), DriverSpec.of(name));
            }
        }
        for (int k = 0; k < Math.max(4, size / 100); k++) {
            String name = "hp" + k;
            DeviceSpec dev = DeviceSpec.of(name).withBus(pickBus(rnd));
            hotplug.add(dev);
            driverOf.put(name, name);
            drivers.put(name, DriverSpec.of(name).withBus(dev.bus()).async().withProbeMicros(20 + rnd.nextInt(200)));
        }
        tailPair("tail-late-p", DriverSpec.of("tail-late-p").withPublishDelayMicros(100_000),
                "tail-late-c", DriverSpec.of("tail-late-c"));
        tailPair("tail-p", DriverSpec.of("tail-p").async().withProbeMicros(100),
                "tail-c", DriverSpec.of("tail-c").withProbeMicros(20_000));
        stuckPhase.add(DeviceSpec.of(STUCK_DEVICE));
        drivers.put(STUCK_DEVICE, DriverSpec.of(STUCK_DEVICE).async());
        driverOf.put(STUCK_DEVICE, STUCK_DEVICE);
        for (int k = 0; k < STUCK_PHASE_DRIVERS; k++) {
            String sp = "sp" + k;
            stuckPhase.add(DeviceSpec.of(sp));
            drivers.put(sp, DriverSpec.of(sp));
            driverOf.put(sp, sp);
        }
        if (livelock) { // B5: the child binds (and triggers) inside the probe that then defers, for ever
            DeviceSpec child = DeviceSpec.of(LIVELOCK_CHILD);
            add(DeviceSpec.of(LIVELOCK_DEVICE, "ghost-livelock"), DriverSpec.of(LIVELOCK_DEVICE).registeringDevices(child));
            ghosts.add("ghost-livelock");
            drivers.put(LIVELOCK_CHILD, DriverSpec.of(LIVELOCK_CHILD));
            driverOf.put(LIVELOCK_CHILD, LIVELOCK_CHILD);
            childDeviceParent.put(LIVELOCK_CHILD, LIVELOCK_DEVICE);
        }
    }

    private void tailPair(String provider, DriverSpec providerDriver, String consumer, DriverSpec consumerDriver) {
        tail.add(DeviceSpec.of(provider));
        tail.add(DeviceSpec.of(consumer, provider));
        drivers.put(provider, providerDriver);
        drivers.put(consumer, consumerDriver);
        driverOf.put(provider, provider);
        driverOf.put(consumer, consumer);
        if (providerDriver.publishDelayMicros() > 0) {
            lateResources.add(provider);
        }
    }

    DeviceSpec deviceByName(String name) {
        DeviceSpec d = byName.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no device " + name + " in the workload");
        }
        return d;
    }

    private void add(DeviceSpec dev, DriverSpec drv) {
        devices.add(dev);
        driverOf.put(dev.name(), drv.name());
        drivers.put(drv.name(), drv);
        if (drv.publishDelayMicros() > 0) {
            lateResources.addAll(dev.provides());
        }
    }

    /** A child driver of a parent on {@code bus}, and its one to three devices (which may need the parent). */
    private DriverSpec childFamily(SplittableRandom rnd, int k, String bus, String parent) {
        String name = "child" + k;
        String childBus = rnd.nextInt(3) == 0 ? pickBus(rnd) : bus;
        DriverSpec child = DriverSpec.of(name).withBus(childBus).withProbeMicros(rnd.nextInt(3) == 0 ? 100 : 0);
        if (rnd.nextBoolean()) {
            child = child.async();
        }
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            String dev = "c" + k + "." + m;
            List<String> requires = rnd.nextBoolean() ? List.of(parent) : List.of();
            devices.add(new DeviceSpec(dev, childBus, List.of(name), requires, List.of(dev)));
            driverOf.put(dev, name);
        }
        return child;
    }

    private static DriverSpec randomDriver(SplittableRandom rnd, String name, String bus) {
        DriverSpec d = DriverSpec.of(name).withBus(bus);
        if (rnd.nextInt(100) < 30) {
            d = d.withProbeMicros(10 + rnd.nextInt(190));
        }
        if (rnd.nextInt(100) < 30) {
            d = d.async();
        }
        if (rnd.nextInt(100) < 10) {
            d = d.withPublishDelayMicros(500 + rnd.nextInt(4_500));
        }
        if (rnd.nextInt(100) < 2) {
            d = d.failing();
        }
        return d;
    }

    private static String pickBus(SplittableRandom rnd) {
        int r = rnd.nextInt(10);
        return r < 7 ? BUSES.get(0) : r < 9 ? BUSES.get(1) : BUSES.get(2);
    }

    /** Drivers the soak itself registers (not those only probes register), in generation order. */
    List<String> topDrivers() {
        List<String> out = new ArrayList<>(drivers.keySet());
        stuckPhase.forEach(d -> out.remove(driverOf.get(d.name())));
        return out;
    }

    /** The devices that can never bind: orphans, cycles and the livelock device. Sorted. */
    List<String> neverBind() {
        List<String> all = new ArrayList<>(orphans);
        all.addAll(cycleDevices);
        if (livelock) {
            all.add(LIVELOCK_DEVICE);
        }
        Collections.sort(all);
        return all;
    }

    /** A short, stable digest of the whole workload, for reports: same seed and size, same digest. */
    String fingerprint() {
        long h = 1125899906842597L;
        for (DeviceSpec d : devices) {
            h = 31 * h + d.toString().hashCode();
        }
        for (DriverSpec d : drivers.values()) {
            h = 31 * h + d.toString().hashCode();
        }
        for (DeviceSpec d : hotplug) {
            h = 31 * h + d.toString().hashCode();
        }
        for (DeviceSpec d : tail) {
            h = 31 * h + d.toString().hashCode();
        }
        for (DeviceSpec d : stuckPhase) {
            h = 31 * h + d.toString().hashCode();
        }
        return String.format("%016x", h);
    }

    String describe() {
        long async = drivers.values().stream().filter(d -> d.probe() == org.deferprobe.engine.ProbeType.ASYNC).count();
        long failing = drivers.values().stream().filter(DriverSpec::fails).count();
        return String.format("%d devices (%d drivers, %d async, %d failing, %d late publishers, %d probe-registered "
                        + "drivers, %d probe-registered devices, %d with supplier links, %d orphans, %d in cycles, "
                        + "%d hot-plugged, 1 stuck probe%s), workload %s",
                devices.size() + hotplug.size() + tail.size() + stuckPhase.size() + childDeviceParent.size(),
                drivers.size(), async, failing, lateResources.size(), childParent.size(), childDeviceParent.size(),
                linked.size(), orphans.size(), cycleDevices.size(), hotplug.size(), livelock ? ", one livelocking probe" : "",
                fingerprint());
    }
}
