package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.ProbeType;

/**
 * The operations of one round, generated from (seed, round): same inputs, same plan, op for op and thread
 * for thread. Phase 1 registers every device and driver from all threads at once, with explicit triggers and
 * driver unload-reloads (seed 000's workaround) mixed in; phase 2, once phase 1's calls returned, hot-plugs
 * (registers and at once removes) the hot-plug devices, removes some devices (async ones preferred, so that
 * some removals meet their async probes), unloads and reloads more drivers and triggers.
 *
 * <p>Every operation on one driver runs on one thread ({@code hash(name) % threads}), so an unload-reload
 * never overlaps another registration of the same driver and every driver is registered when a round ends.
 * Phases 3 and 4, the tail, each run once the engine is quiescent and are followed by quiescence and the checks:
 * thread 0 registers the late publisher and its consumer (phase 3), then the async provider and the consumer
 * that sleeps across its bind (phase 4), so that a trigger lost in either race has no later trigger to hide it
 * before it is checked (the two pairs would rescue each other if they ran in one phase).
 */
record RoundPlan(long seed, int round, int threads, List<List<List<Op>>> phases) {

    enum Kind { REGISTER_DEVICE, REGISTER_DRIVER, UNLOAD_RELOAD, REMOVE_DEVICE, HOTPLUG, TRIGGER }

    record Op(Kind kind, String name) {
        @Override
        public String toString() {
            return kind.name().toLowerCase().replace('_', '-') + (name == null ? "" : " " + name);
        }
    }

    static RoundPlan generate(SoakWorkload w, int round, int threads) {
        SplittableRandom rnd = new SplittableRandom(w.seed ^ (0x9E3779B97F4A7C15L * (round + 1)));
        List<String> drivers = w.topDrivers();
        List<Op> p1 = new ArrayList<>();
        for (DeviceSpec d : w.devices) {
            p1.add(new Op(Kind.REGISTER_DEVICE, d.name()));
        }
        // the livelocking probe's driver comes in phase 2, once the driver of the children it adds is surely there
        drivers.stream().filter(name -> !name.equals(SoakWorkload.LIVELOCK_DEVICE))
                .forEach(name -> p1.add(new Op(Kind.REGISTER_DRIVER, name)));
        for (int i = 0; i < w.devices.size() / 50; i++) {
            p1.add(new Op(Kind.UNLOAD_RELOAD, drivers.get(rnd.nextInt(drivers.size()))));
        }
        Collections.shuffle(p1, new Random(rnd.nextLong()));
        for (int i = 0; i < w.devices.size() / 100; i++) {
            p1.add(rnd.nextInt(p1.size() * 3 / 4), new Op(Kind.TRIGGER, null));
        }
        List<Op> p2 = new ArrayList<>();
        if (w.livelock) {
            p2.add(new Op(Kind.REGISTER_DRIVER, SoakWorkload.LIVELOCK_DEVICE));
        }
        w.hotplug.forEach(d -> p2.add(new Op(Kind.HOTPLUG, d.name())));
        List<String> async = w.devices.stream().map(DeviceSpec::name)
                .filter(n -> w.drivers.containsKey(w.driverOf.get(n))
                        && w.drivers.get(w.driverOf.get(n)).probe() == ProbeType.ASYNC).toList();
        for (int i = 0; i < Math.max(2, w.devices.size() / 200); i++) {
            List<DeviceSpec> pool = w.devices;
            String name = !async.isEmpty() && rnd.nextInt(4) != 0 ? async.get(rnd.nextInt(async.size()))
                    : pool.get(rnd.nextInt(pool.size())).name();
            if (!name.equals(SoakWorkload.LIVELOCK_DEVICE)) {
                p2.add(new Op(Kind.REMOVE_DEVICE, name));
            }
        }
        for (int i = 0; i < w.devices.size() / 100; i++) {
            p2.add(new Op(Kind.UNLOAD_RELOAD, drivers.get(rnd.nextInt(drivers.size()))));
        }
        Collections.shuffle(p2, new Random(rnd.nextLong()));
        for (int i = 0; i < 3; i++) {
            p2.add(rnd.nextInt(p2.size() / 2 + 1), new Op(Kind.TRIGGER, null));
        }
        List<List<Op>> lateTail = onThreadZero(threads, w.tail.subList(0, 2));
        List<List<Op>> raceTail = onThreadZero(threads, w.tail.subList(2, 4));
        return new RoundPlan(w.seed, round, threads,
                List.of(distribute(p1, threads), distribute(p2, threads), lateTail, raceTail));
    }

    /** Registrations of the devices one after another on thread 0; the other threads have nothing to do. */
    private static List<List<Op>> onThreadZero(int threads, List<DeviceSpec> devices) {
        List<List<Op>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        devices.forEach(d -> perThread.get(0).add(new Op(Kind.REGISTER_DEVICE, d.name())));
        return perThread;
    }

    /** Op i goes to thread i % threads, except that driver ops go to the driver's own thread. */
    private static List<List<Op>> distribute(List<Op> ops, int threads) {
        List<List<Op>> perThread = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            boolean driverOp = op.kind() == Kind.REGISTER_DRIVER || op.kind() == Kind.UNLOAD_RELOAD;
            int t = driverOp ? Math.floorMod(op.name().hashCode(), threads) : i % threads;
            perThread.get(t).add(op);
        }
        return perThread;
    }

    int opCount() {
        return phases.stream().flatMap(List::stream).mapToInt(List::size).sum();
    }

    /** A digest of every op and its thread, in order: equal plans, equal digests. */
    String fingerprint() {
        long h = seed * 31 + round;
        for (List<List<Op>> phase : phases) {
            for (List<Op> ops : phase) {
                h = 31 * h + 7;
                for (Op op : ops) {
                    h = 31 * h + op.toString().hashCode();
                }
            }
        }
        return String.format("%016x", h);
    }
}
