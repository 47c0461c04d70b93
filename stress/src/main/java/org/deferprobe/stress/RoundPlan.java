package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.ProbeType;

/**
 * The operations of one round, generated from (seed, round): same inputs, same plan, op for op and thread
 * for thread. Phase 1 registers every device and driver from all threads at once, with explicit triggers and
 * driver unload-reloads (seed 000's workaround) mixed in; phase 2, once phase 1's calls returned, hot-plugs
 * (registers and at once removes) the hot-plug devices, removes some devices (async ones preferred, so that
 * some removals meet their async probes), removes and re-adds others, unloads and reloads more drivers and
 * triggers.
 *
 * <p>Operations on the same driver or device deliberately overlap: a plan carries groups of two operations on
 * one name that are placed side by side, so that they land on neighbouring threads at the same position of
 * their lists and run at about the same time: an unload-reload against another unload-reload of the same
 * driver, an unload-reload against the registration of one of its devices (phase 1), against the driver's
 * own first registration, and a removal against a re-addition of the same device or two re-additions
 * (phase 2). Their outcome is not fixed (a registration refused while the old instance detaches, a
 * re-addition refused while the other one's device is live), but every thread ends its operations on a name
 * with a registration, so when a round ends every driver is registered and every re-added device is live,
 * whatever the order: the checks rely on the engine's snapshot, not on the plan, for what is registered.
 * Phase 0, before them, meets a probe that does not return (seed 004's case 1): see {@link #stuckPhase}.
 * Phases 3 and 4, the tail, each run once the engine is quiescent and are followed by quiescence and the
 * checks: thread 0 registers the late publisher and its consumer (phase 3), then the async provider and the
 * consumer that sleeps across its bind (phase 4), so that a trigger lost in either race has no later trigger
 * to hide it before it is checked (the two pairs would rescue each other if they ran in one phase).
 */
record RoundPlan(long seed, int round, int threads, List<List<List<Op>>> phases) {

    enum Kind { REGISTER_DEVICE, REGISTER_DRIVER, UNLOAD_RELOAD, REMOVE_DEVICE, READD_DEVICE, HOTPLUG, TRIGGER,
        /** Wait (bounded) until the stuck device's probe runs, so what follows meets it. */
        AWAIT_STUCK }

    record Op(Kind kind, String name) {
        @Override
        public String toString() {
            return kind.name().toLowerCase().replace('_', '-') + (name == null ? "" : " " + name);
        }
    }

    static RoundPlan generate(SoakWorkload w, int round, int threads) {
        SplittableRandom rnd = new SplittableRandom(w.seed ^ (0x9E3779B97F4A7C15L * (round + 1)));
        List<String> drivers = w.topDrivers();
        List<List<Op>> p1 = new ArrayList<>();
        // overlaps first, so their devices and drivers are not also registered alone
        Set<String> grouped = new HashSet<>();
        int overlaps = Math.max(2, w.devices.size() / 50);
        for (int i = 0; i < overlaps; i++) {
            DeviceSpec d = w.devices.get(rnd.nextInt(w.devices.size()));
            String drv = w.driverOf.get(d.name());
            if (!w.drivers.containsKey(drv) || drv.equals(SoakWorkload.LIVELOCK_DEVICE) || grouped.contains(drv)
                    || grouped.contains(d.name())) {
                continue; // a child driver (only its parent's probe registers it), or taken
            }
            grouped.add(drv);
            switch (i % 3) {
                case 0 -> { // reload against the registration of one of its devices
                    grouped.add(d.name());
                    p1.add(List.of(new Op(Kind.UNLOAD_RELOAD, drv), new Op(Kind.REGISTER_DEVICE, d.name())));
                    p1.add(List.of(new Op(Kind.REGISTER_DRIVER, drv)));
                }
                case 1 -> { // reload against reload
                    p1.add(List.of(new Op(Kind.UNLOAD_RELOAD, drv), new Op(Kind.UNLOAD_RELOAD, drv)));
                    p1.add(List.of(new Op(Kind.REGISTER_DRIVER, drv)));
                }
                default -> // reload against the driver's own first registration
                    p1.add(List.of(new Op(Kind.REGISTER_DRIVER, drv), new Op(Kind.UNLOAD_RELOAD, drv)));
            }
        }
        for (DeviceSpec d : w.devices) {
            if (!grouped.contains(d.name())) {
                p1.add(List.of(new Op(Kind.REGISTER_DEVICE, d.name())));
            }
        }
        // the livelocking probe's driver comes in phase 2, once the driver of the children it adds is surely there
        drivers.stream().filter(name -> !name.equals(SoakWorkload.LIVELOCK_DEVICE) && !grouped.contains(name))
                .forEach(name -> p1.add(List.of(new Op(Kind.REGISTER_DRIVER, name))));
        for (int i = 0; i < w.devices.size() / 50; i++) {
            p1.add(List.of(new Op(Kind.UNLOAD_RELOAD, drivers.get(rnd.nextInt(drivers.size())))));
        }
        Collections.shuffle(p1, new Random(rnd.nextLong()));
        for (int i = 0; i < w.devices.size() / 100; i++) {
            p1.add(rnd.nextInt(p1.size() * 3 / 4), List.of(new Op(Kind.TRIGGER, null)));
        }
        List<List<Op>> p2 = new ArrayList<>();
        if (w.livelock) {
            p2.add(List.of(new Op(Kind.REGISTER_DRIVER, SoakWorkload.LIVELOCK_DEVICE)));
        }
        w.hotplug.forEach(d -> p2.add(List.of(new Op(Kind.HOTPLUG, d.name()))));
        List<String> async = w.devices.stream().map(DeviceSpec::name)
                .filter(n -> w.drivers.containsKey(w.driverOf.get(n))
                        && w.drivers.get(w.driverOf.get(n)).probe() == ProbeType.ASYNC).toList();
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < Math.max(2, w.devices.size() / 200); i++) {
            List<DeviceSpec> pool = w.devices;
            String name = !async.isEmpty() && rnd.nextInt(4) != 0 ? async.get(rnd.nextInt(async.size()))
                    : pool.get(rnd.nextInt(pool.size())).name();
            if (!name.equals(SoakWorkload.LIVELOCK_DEVICE) && removed.add(name)) {
                p2.add(List.of(new Op(Kind.REMOVE_DEVICE, name)));
            }
        }
        for (int i = 0; i < Math.max(2, w.devices.size() / 100); i++) { // removal against re-addition
            String name = w.devices.get(rnd.nextInt(w.devices.size())).name();
            if (!name.equals(SoakWorkload.LIVELOCK_DEVICE) && removed.add(name)) {
                Kind first = rnd.nextBoolean() ? Kind.REMOVE_DEVICE : Kind.READD_DEVICE;
                p2.add(List.of(new Op(first, name), new Op(Kind.READD_DEVICE, name)));
            }
        }
        for (int i = 0; i < w.devices.size() / 100; i++) {
            String drv = drivers.get(rnd.nextInt(drivers.size()));
            p2.add(rnd.nextBoolean() ? List.of(new Op(Kind.UNLOAD_RELOAD, drv))
                    : List.of(new Op(Kind.UNLOAD_RELOAD, drv), new Op(Kind.UNLOAD_RELOAD, drv)));
        }
        Collections.shuffle(p2, new Random(rnd.nextLong()));
        for (int i = 0; i < 3; i++) {
            p2.add(rnd.nextInt(p2.size() / 2 + 1), List.of(new Op(Kind.TRIGGER, null)));
        }
        List<List<Op>> lateTail = onThreadZero(threads, w.tail.subList(0, 2));
        List<List<Op>> raceTail = onThreadZero(threads, w.tail.subList(2, 4));
        return new RoundPlan(w.seed, round, threads,
                List.of(stuckPhase(w, threads), distribute(p1, threads), distribute(p2, threads), lateTail, raceTail));
    }

    /**
     * Phase 0: thread 0 registers the stuck device and its async driver (its probe blocks, holding the device's
     * lock, until the phase ends); every other thread, once that probe runs, registers an sp device and its driver
     * on the same bus (with one thread, thread 0 does it all).
     */
    private static List<List<Op>> stuckPhase(SoakWorkload w, int threads) {
        List<List<Op>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        perThread.get(0).add(new Op(Kind.REGISTER_DEVICE, SoakWorkload.STUCK_DEVICE));
        perThread.get(0).add(new Op(Kind.REGISTER_DRIVER, SoakWorkload.STUCK_DEVICE));
        List<DeviceSpec> sp = w.stuckPhase.subList(1, w.stuckPhase.size());
        for (int k = 0; k < sp.size(); k++) {
            List<Op> ops = perThread.get(threads == 1 ? 0 : 1 + k % (threads - 1));
            if (ops.isEmpty() || ops.get(ops.size() - 1).kind() != Kind.AWAIT_STUCK && ops.size() % 3 == 0) {
                ops.add(new Op(Kind.AWAIT_STUCK, null));
            }
            ops.add(new Op(Kind.REGISTER_DEVICE, sp.get(k).name()));
            ops.add(new Op(Kind.REGISTER_DRIVER, sp.get(k).name()));
        }
        return perThread;
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

    /**
     * The ops in order, op i to thread i % threads: the ops of a group, side by side, go to neighbouring
     * threads at the same position of their lists (on one thread they simply follow each other).
     */
    private static List<List<Op>> distribute(List<List<Op>> groups, int threads) {
        List<List<Op>> perThread = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        int i = 0;
        for (List<Op> group : groups) {
            for (Op op : group) {
                perThread.get(i++ % threads).add(op);
            }
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
