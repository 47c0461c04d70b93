package org.deferprobe.workload.realboot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.workload.Step;
import org.deferprobe.workload.realboot.BootEvent.Phase;

/**
 * When a replayed boot registers what: the log's order of device registrations, of drivers' first attempts,
 * late_initcall and the deferred_probe_timeout's firing, grouped into steps. Built once by {@link BootReplay};
 * not thread-safe while built, immutable after.
 */
final class ReplayTimeline {
    /* Implementation notes
     *
     * Anchors are found in one pass. A device's anchor is its first device_add; if a device of the scenario is
     * probing then (the innermost on the log's probe stack), the device is that one's child instead (M16). A
     * driver's anchor is its first attempt of a device of the scenario: a driver registered earlier attempted
     * nothing of the scenario until then, so registering it there attempts the same devices (by its walk
     * instead of by a device's registration or a deferred retry, which the model does the same way). The
     * timeout's anchor is the first line at or after the time it fired: 6.1 schedules it at late_initcall and
     * every driver registration while it is pending pushes it back ("Extended deferred probe timeout"), so it
     * fires T after the last extension (deferred_probe_extend_timeout); without timestamps, the first "deferred
     * probe pending" line.
     */

    /** The key of the amba match driver among the drivers' keys (bus + NUL + name). */
    static final String AMBA_KEY = "amba\u0000" + BootReplay.AMBA_MATCH;

    /** What a step registers or does. */
    enum Kind { DEVICES, DRIVERS, LATE_INITCALL, TIMEOUT }

    /** One step of the timeline: what it registers (model names), in order. */
    record Group(Kind kind, List<String> names, Phase phase) {
        Group {
            names = List.copyOf(names);
        }
    }

    private record Anchor(int line, Kind kind, String key, int context, Phase phase) {
    }

    private final List<Anchor> anchors;
    private final Map<String, List<String>> childrenOf;
    private final List<String> registrationOrder;
    private final Map<String, Phase> driverPhase;
    private final Map<String, List<String>> modelNames = new HashMap<>();

    private ReplayTimeline(List<Anchor> anchors, Map<String, List<String>> childrenOf, List<String> registrationOrder,
            Map<String, Phase> driverPhase) {
        this.anchors = anchors;
        this.childrenOf = childrenOf;
        this.registrationOrder = registrationOrder;
        this.driverPhase = driverPhase;
    }

    /**
     * The timeline of {@code log} for the devices {@code kept}; {@code gated} are amba devices held back by the
     * amba match driver, anchored at their first match deferral.
     */
    static ReplayTimeline of(BootLog log, Set<String> kept, Set<String> gated) {
        List<Anchor> anchors = new ArrayList<>();
        Map<String, List<String>> childrenOf = new LinkedHashMap<>();
        Set<String> registered = new LinkedHashSet<>();
        Set<String> drivers = new HashSet<>();
        Map<String, Phase> driverPhase = new LinkedHashMap<>();
        Deque<String> probing = new ArrayDeque<>();
        int context = 0;
        boolean inInitcall = false;
        boolean late = false;
        boolean ambaAnchored = false;
        Timeout timeout = new Timeout(log.deferredProbeTimeout());
        for (BootEvent e : log.events()) {
            int line = e.stamp().line();
            Phase phase = e.stamp().phase();
            int ctx = inInitcall ? context : -line; // outside an initcall every anchor is a group of its own
            if (late && timeout.firesAt(e)) {
                anchors.add(new Anchor(line, Kind.TIMEOUT, "", -line, phase));
            }
            if (e instanceof BootEvent.InitcallStart s) {
                context++;
                inInitcall = true;
                if (!late && s.module() == null && s.function().equals(BootReplay.DEFERRED_PROBE_INITCALL)) {
                    late = true;
                    timeout.armedAt(e);
                    anchors.add(new Anchor(line, Kind.LATE_INITCALL, "", -line, phase));
                }
            } else if (e instanceof BootEvent.InitcallReturn) {
                context++;
                inInitcall = false;
            } else if (e instanceof BootEvent.DeferredTimeoutExtended) {
                timeout.extendedAt(e);
            } else if (e instanceof BootEvent.Probing p) {
                probing.push(p.device());
            } else if (e instanceof BootEvent.ProbeReturned r) {
                probing.remove(r.device());
            } else if (e instanceof BootEvent.Bound b) {
                probing.remove(b.device());
            } else if (e instanceof BootEvent.DeviceAdded a && kept.contains(a.device()) && registered.add(a.device())) {
                String parent = innermostKept(probing, kept, a.device());
                if (parent != null) {
                    childrenOf.computeIfAbsent(parent, k -> new ArrayList<>()).add(a.device());
                } else {
                    anchors.add(new Anchor(line, Kind.DEVICES, a.device(), ctx, phase));
                }
            } else if (e instanceof BootEvent.Matched m && kept.contains(m.device())) {
                String key = m.bus() + '\u0000' + m.driver();
                if (drivers.add(key)) {
                    anchors.add(new Anchor(line, Kind.DRIVERS, key, ctx, phase));
                    driverPhase.put(key, phase);
                }
            } else if (e instanceof BootEvent.MatchDeferred m && gated.contains(m.device()) && !ambaAnchored
                    && registered.contains(m.device())) {
                ambaAnchored = true;
                anchors.add(new Anchor(line, Kind.DRIVERS, AMBA_KEY, ctx, phase));
                driverPhase.put(AMBA_KEY, phase);
            }
        }
        List<String> order = new ArrayList<>();
        for (String k : kept) {
            if (!registered.contains(k)) {
                order.add(k); // no device_add line: registered before the log says anything, first
                anchors.add(0, new Anchor(0, Kind.DEVICES, k, 0, Phase.INITCALLS));
            }
        }
        order.addAll(registered);
        return new ReplayTimeline(anchors, childrenOf, order, driverPhase);
    }

    /** The innermost device of the scenario that is probing, other than {@code self}; null if none. */
    private static String innermostKept(Deque<String> probing, Set<String> kept, String self) {
        for (Iterator<String> it = probing.iterator(); it.hasNext(); ) { // from the top of the stack
            String d = it.next();
            if (kept.contains(d) && !d.equals(self)) {
                return d;
            }
        }
        return null;
    }

    /** When the deferred_probe_timeout fires, as the log's timestamps tell (see the implementation notes). */
    private static final class Timeout {
        private final long micros;
        private long deadline = -1;
        private boolean fired;

        Timeout(int seconds) {
            this.micros = seconds * 1_000_000L;
        }

        void armedAt(BootEvent e) {
            if (micros > 0 && e.stamp().micros() >= 0) {
                deadline = e.stamp().micros() + micros;
            }
        }

        void extendedAt(BootEvent e) {
            if (deadline >= 0 && e.stamp().micros() >= 0 && e.stamp().micros() < deadline) {
                deadline = e.stamp().micros() + micros;
            }
        }

        /** True once, for the first event at or after the deadline (or the first "pending" line without times). */
        boolean firesAt(BootEvent e) {
            if (fired || micros <= 0) {
                return false;
            }
            boolean now = deadline >= 0 ? e.stamp().micros() >= deadline
                    : e instanceof BootEvent.DeferredProbePending;
            fired = now;
            return now;
        }
    }

    /** Driver keys (bus + NUL + name) in the order of their registration. */
    List<String> driverOrder() {
        List<String> out = new ArrayList<>();
        for (Anchor a : anchors) {
            if (a.kind == Kind.DRIVERS && !a.key.equals(AMBA_KEY)) {
                out.add(a.key);
            }
        }
        return out;
    }

    /** Whether a driver registered after userspace started (a module). */
    boolean isModule(String key) {
        return driverPhase.get(key) == Phase.USERSPACE;
    }

    /** The model drivers that stand for a driver key (itself, its failing twin), registered at its anchor. */
    void nameDriver(String key, List<String> names) {
        modelNames.put(key, List.copyOf(names));
    }

    /** Each device of the scenario registered by another's probe, under that one, in the log's order. */
    Map<String, List<String>> childrenOf() {
        return childrenOf;
    }

    /** Every device of the scenario in the order the log registers it. */
    List<String> registrationOrder() {
        return registrationOrder;
    }

    /** The steps' groups: consecutive anchors of one kind in one initcall make one group. */
    List<Group> groups() {
        List<Group> out = new ArrayList<>();
        Anchor first = null;
        List<String> names = new ArrayList<>();
        for (Anchor a : anchors) {
            List<String> these = a.kind == Kind.DRIVERS ? modelNames.getOrDefault(a.key, List.of())
                    : a.kind == Kind.DEVICES ? List.of(a.key) : List.of();
            boolean joins = first != null && (a.kind == Kind.DEVICES || a.kind == Kind.DRIVERS)
                    && a.kind == first.kind && a.context == first.context;
            if (!joins) {
                if (first != null) {
                    out.add(new Group(first.kind, names, first.phase));
                }
                first = a;
                names = new ArrayList<>();
            }
            names.addAll(these);
        }
        if (first != null) {
            out.add(new Group(first.kind, names, first.phase));
        }
        out.removeIf(g -> (g.kind == Kind.DEVICES || g.kind == Kind.DRIVERS) && g.names.isEmpty());
        return out;
    }

    /**
     * The scenario's steps: each registration group followed by wait-for-device-probe; late_initcall as 6.1's
     * deferred_probe_initcall does it (enable, trigger and flush, trigger and flush again, arm the timeout of
     * {@code timeoutMillis}); where the timeout fires, a quiesce (which waits for it).
     */
    static List<Step> steps(List<Group> groups, long timeoutMillis) {
        List<Step> out = new ArrayList<>();
        for (Group g : groups) {
            switch (g.kind) {
                case DEVICES -> {
                    out.add(new Step.RegisterDevices(g.names));
                    out.add(new Step.WaitForDeviceProbe());
                }
                case DRIVERS -> {
                    out.add(new Step.RegisterDrivers(g.names));
                    out.add(new Step.WaitForDeviceProbe());
                }
                case LATE_INITCALL -> {
                    out.add(new Step.LateInitcall(timeoutMillis));
                    out.add(new Step.Trigger()); // 6.1: "Trigger deferred probe again"
                    out.add(new Step.WaitForDeviceProbe());
                }
                case TIMEOUT -> {
                    if (timeoutMillis > 0) {
                        out.add(new Step.Quiesce());
                    }
                }
                default -> throw new IllegalStateException("bad kind " + g.kind);
            }
        }
        return out;
    }
}
