package org.deferprobe.workload.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.EngineEvents.Outcome;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.Scenario;

/**
 * A run read back from its {@link Recording}: the probe attempts of every device, its binds, the publications,
 * what each successful probe waited for (its <em>enablers</em>), the dependency arrows of a trace and the run's
 * critical path. Built once the run is over, on one thread; immutable afterwards.
 *
 * <p>What a successful attempt of device D waited for, each the latest such event before it: D's registration
 * and its driver's (before the attempt began); with fw_devlink on, each supplier's bind (before the attempt began:
 * the link check precedes the probe); each required resource's publication (before the attempt ended: the probe
 * looks its resources up inside); and the probe its thread ran before (a registration walks a driver's devices one
 * after another, a deferred pass its list). The latest of them is when D could have been probed: its <em>ready</em>
 * time.
 *
 * <p>The critical path is the chain that ends at the run's last bind, walked back from each attempt to whatever
 * it waited for last: a supplier's or a provider's successful attempt, the probe its thread ran before it (which
 * may have deferred or failed), the probe after which the trigger of its deferred pass came; for a device or driver
 * registered by a probe
 * (M11, M16), the probe that registered it; for one registered by a step, the previous probe on the registering
 * thread (a step's sync probes run inside its registration calls, one after another). It stops at the first
 * registration of a thread. The time between a step's ready time and its attempt's start is the engine's: the
 * device had everything and waited for a retry.
 */
public final class Timeline {
    /** A probe attempt, a slice on lane {@code lane}. {@code id} is its index in {@link #attempts()}. */
    public record Attempt(int id, String device, String driver, Outcome outcome, String reason, long start, long end,
                          int lane) {
    }

    /** A deferred pass, a slice on lane {@code lane}. */
    public record Pass(long start, long end, int lane) {
    }

    /**
     * Resources a device published: at its bind ({@code host} is the attempt whose bind it was) or late, by the
     * executor after the probe returned ({@code host} null: the driver's publishDelayMicros).
     */
    public record Publication(String device, List<String> resources, long time, int lane, Attempt host) {
        public boolean late() {
            return host == null;
        }
    }

    /** A bind: when, and by which attempt. */
    public record Bind(String device, String driver, long time, Attempt attempt) {
    }

    /** What a successful attempt waited for. */
    public enum EnablerKind {
        REGISTERED, DRIVER_REGISTERED, THREAD_BUSY, PASS_TRIGGERED, SUPPLIER_BOUND, RESOURCE_PUBLISHED, LINK_RELAXED
    }

    /**
     * One thing a successful attempt waited for.
     *
     * @param name     the device (REGISTERED), driver (DRIVER_REGISTERED), the device whose probe the thread ran
     *                 before (THREAD_BUSY), the device whose probe the trigger of the pass followed (PASS_TRIGGERED,
     *                 null if none: an explicit trigger before any probe), supplier (SUPPLIER_BOUND), resource (RESOURCE_PUBLISHED) or supplier
     *                 whose link the deferred_probe_timeout relaxed (LINK_RELAXED)
     * @param provider the device whose bind or publication it was; null for registrations and relaxed links
     * @param bind     the supplier's bind (SUPPLIER_BOUND), or the provider's bind that published, at once or late
     * @param publication the publication (RESOURCE_PUBLISHED; PASS_TRIGGERED by a late publication)
     * @param previous the probe its thread ran before it (THREAD_BUSY), or the probe the trigger followed
     *                 (PASS_TRIGGERED)
     */
    public record Enabler(EnablerKind kind, String name, String provider, long time, int lane, Bind bind,
                          Publication publication, Attempt previous) {
        public String describe() {
            return switch (kind) {
                case REGISTERED -> "registered";
                case DRIVER_REGISTERED -> "driver " + name + " registered";
                case THREAD_BUSY -> "its thread done with the probe of " + name;
                case PASS_TRIGGERED -> "deferred pass triggered" + (publication != null ? " by the late publication of "
                        + String.join(", ", publication.resources()) + " by " + name
                        : name == null ? "" : " after the probe of " + name);
                case SUPPLIER_BOUND -> "supplier " + name + " bound";
                case RESOURCE_PUBLISHED -> "resource " + name + " published by " + provider
                        + (publication.late() ? " (late, after its probe returned)" : "");
                case LINK_RELAXED -> "link to supplier " + name + " relaxed by the deferred_probe_timeout";
            };
        }
    }

    /** One step of the critical path: an attempt, and what it waited for last (null for none recorded). */
    public record PathStep(Attempt attempt, Enabler because, long ready) {
        /** From everything there to the attempt's start: the engine's share. */
        public long waitNanos() {
            return Math.max(0, attempt.start() - ready);
        }
    }

    /** A dependency arrow of the trace: from the source's slice (an attempt, or a late publication) to a bind. */
    public record Flow(Attempt fromAttempt, Publication fromLate, Attempt to, String label) {
    }

    private final Recording recording;
    private final Map<String, DeviceSpec> devices;
    private final Map<String, DriverSpec> drivers;
    private final boolean linksGate;
    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Pass> passes = new ArrayList<>();
    private final Map<String, List<Attempt>> attemptsOf = new HashMap<>();
    private final Map<String, List<Bind>> bindsOf = new HashMap<>();
    private final Map<String, List<Publication>> publicationsOf = new HashMap<>();
    private final List<Publication> publications = new ArrayList<>();
    private final Map<String, List<long[]>> registrationsOf = new HashMap<>();
    private final Map<String, List<long[]>> driverRegistrationsOf = new HashMap<>();
    private final Map<String, List<Long>> supplierDeferralsOf = new HashMap<>();
    private final Map<Integer, List<Attempt>> attemptsOnLane = new HashMap<>();
    /** {time, lane} of every trigger, by time. */
    private final List<long[]> triggers = new ArrayList<>();
    /** Registrations minus unregistrations, per driver. */
    private final Map<String, Integer> driverNet = new HashMap<>();
    private final Set<String> unregistered = new HashSet<>();
    private final List<String> deviceOrder = new ArrayList<>();
    private long timeoutAt = -1;
    private long probingEnabledAt = -1;

    private Timeline(Scenario scenario, FwDevlink mode, Recording recording) {
        this.recording = recording;
        this.devices = scenario.everyDevice();
        this.drivers = driversOf(scenario);
        this.linksGate = mode == FwDevlink.ON;
        read();
    }

    /**
     * @param mode the run's fw_devlink mode (the scenario's own wins, as in ScenarioRunner); decides whether
     *             suppliers gate probes
     */
    public static Timeline of(Scenario scenario, FwDevlink mode, Recording recording) {
        return new Timeline(scenario, scenario.fwDevlink() != null ? scenario.fwDevlink() : mode, recording);
    }

    /** Every driver of a scenario by name, those probes register included. */
    static Map<String, DriverSpec> driversOf(Scenario scenario) {
        Map<String, DriverSpec> all = new HashMap<>();
        Deque<DriverSpec> todo = new ArrayDeque<>(scenario.drivers());
        while (!todo.isEmpty()) {
            DriverSpec d = todo.poll();
            if (all.putIfAbsent(d.name(), d) == null) {
                todo.addAll(d.registersDrivers());
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- reading the recording

    private void read() {
        List<Recording.Event> published = new ArrayList<>();
        List<Integer> publishedLane = new ArrayList<>();
        Map<String, Long> firstRegistered = new LinkedHashMap<>();
        for (Recording.Lane lane : recording.lanes()) {
            Attempt lastBound = null;
            for (Recording.Event e : lane.events()) {
                switch (e.kind()) {
                    case PROBE -> {
                        Attempt a = new Attempt(attempts.size(), e.device(), e.driver(), e.outcome(), e.detail(), e.start(),
                                e.end(), lane.id());
                        attempts.add(a);
                        attemptsOf.computeIfAbsent(a.device(), k -> new ArrayList<>()).add(a);
                        attemptsOnLane.computeIfAbsent(lane.id(), k -> new ArrayList<>()).add(a);
                        lastBound = a.outcome() == Outcome.BOUND ? a : null;
                    }
                    case BOUND -> { // right after its attempt's end, on its thread (driver_bound in really_probe)
                        Attempt a = lastBound != null && lastBound.device().equals(e.device()) ? lastBound : null;
                        bindsOf.computeIfAbsent(e.device(), k -> new ArrayList<>())
                                .add(new Bind(e.device(), e.driver(), e.start(), a));
                        lastBound = null;
                    }
                    case PASS -> passes.add(new Pass(e.start(), e.end(), lane.id()));
                    case PUBLISHED -> {
                        published.add(e);
                        publishedLane.add(lane.id());
                    }
                    case DEVICE_REGISTERED -> {
                        registrationsOf.computeIfAbsent(e.device(), k -> new ArrayList<>())
                                .add(new long[] {e.start(), lane.id()});
                        firstRegistered.merge(e.device(), e.start(), Math::min);
                    }
                    case DRIVER_REGISTERED -> {
                        driverRegistrationsOf.computeIfAbsent(e.driver(), k -> new ArrayList<>())
                                .add(new long[] {e.start(), lane.id()});
                        driverNet.merge(e.driver(), 1, Integer::sum);
                    }
                    case SUPPLIER_DEFERRED -> supplierDeferralsOf.computeIfAbsent(e.device(), k -> new ArrayList<>())
                            .add(e.start());
                    case DRIVER_UNREGISTERED -> driverNet.merge(e.driver(), -1, Integer::sum);
                    case DEVICE_UNREGISTERED -> unregistered.add(e.device());
                    case TRIGGERED -> triggers.add(new long[] {e.start(), lane.id()});
                    case PROBE_TIMEOUT -> timeoutAt = e.start();
                    case PROBING_ENABLED -> probingEnabledAt = e.start();
                    default -> {
                        // unbinds, pending devices: in the trace, not needed here
                    }
                }
            }
        }
        Comparator<Attempt> byStart = Comparator.comparingLong(Attempt::start);
        attemptsOf.values().forEach(l -> l.sort(byStart));
        attemptsOnLane.values().forEach(l -> l.sort(byStart));
        bindsOf.values().forEach(l -> l.sort(Comparator.comparingLong(Bind::time)));
        registrationsOf.values().forEach(l -> l.sort(Comparator.comparingLong(r -> r[0])));
        driverRegistrationsOf.values().forEach(l -> l.sort(Comparator.comparingLong(r -> r[0])));
        triggers.sort(Comparator.comparingLong(t -> t[0]));
        passes.sort(Comparator.comparingLong(Pass::start));
        for (int i = 0; i < published.size(); i++) {
            Recording.Event e = published.get(i);
            Bind b = latest(bindsOf.get(e.device()), e.start());
            DriverSpec drv = b == null ? null : drivers.get(b.driver());
            boolean late = b == null || b.attempt() == null || (drv != null && drv.publishDelayMicros() > 0);
            Publication p = new Publication(e.device(), e.resources(), e.start(), publishedLane.get(i),
                    late ? null : b.attempt());
            publications.add(p);
            for (String r : e.resources()) {
                publicationsOf.computeIfAbsent(r, k -> new ArrayList<>()).add(p);
            }
        }
        publications.sort(Comparator.comparingLong(Publication::time));
        publicationsOf.values().forEach(l -> l.sort(Comparator.comparingLong(Publication::time)));
        firstRegistered.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).forEach(en -> deviceOrder.add(en.getKey()));
        for (String d : attemptsOf.keySet()) {
            if (!firstRegistered.containsKey(d)) {
                deviceOrder.add(d); // never without a registration; kept so no attempt is lost
            }
        }
    }

    /** The latest bind at or before {@code t}, or null. */
    private static Bind latest(List<Bind> binds, long t) {
        Bind best = null;
        if (binds != null) {
            for (Bind b : binds) {
                if (b.time() <= t) {
                    best = b;
                } else {
                    break;
                }
            }
        }
        return best;
    }

    private static long[] latestAt(List<long[]> events, long t) {
        long[] best = null;
        if (events != null) {
            for (long[] e : events) {
                if (e[0] <= t) {
                    best = e;
                } else {
                    break;
                }
            }
        }
        return best;
    }

    private static Publication latestPublication(List<Publication> pubs, long t) {
        Publication best = null;
        if (pubs != null) {
            for (Publication p : pubs) {
                if (p.time() <= t) {
                    best = p;
                } else {
                    break;
                }
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- queries

    public Recording recording() {
        return recording;
    }

    /** Every attempt, in the order of the lanes and, within a lane, of their ends. */
    public List<Attempt> attempts() {
        return Collections.unmodifiableList(attempts);
    }

    public List<Attempt> attemptsOf(String device) {
        return Collections.unmodifiableList(attemptsOf.getOrDefault(device, List.of()));
    }

    public List<Pass> passes() {
        return Collections.unmodifiableList(passes);
    }

    /** When each trigger happened, in order. */
    public List<Long> triggers() {
        return triggers.stream().map(t -> t[0]).toList();
    }

    public List<Publication> publications() {
        return Collections.unmodifiableList(publications);
    }

    /** Publications of one resource, in time order. */
    public List<Publication> publicationsOf(String resource) {
        return Collections.unmodifiableList(publicationsOf.getOrDefault(resource, List.of()));
    }

    public List<Bind> bindsOf(String device) {
        return Collections.unmodifiableList(bindsOf.getOrDefault(device, List.of()));
    }

    /** Times fw_devlink deferred the device before a probe was called. */
    public List<Long> supplierDeferralsOf(String device) {
        return Collections.unmodifiableList(supplierDeferralsOf.getOrDefault(device, List.of()));
    }

    /** Every device that was registered, by first registration (then name). */
    public List<String> devices() {
        return Collections.unmodifiableList(deviceOrder);
    }

    /** The first registration of a device, or -1. */
    public long registeredAt(String device) {
        List<long[]> r = registrationsOf.get(device);
        return r == null || r.isEmpty() ? -1 : r.get(0)[0];
    }

    /** The drivers registered at the end of the run. */
    public Set<String> registeredDrivers() {
        Set<String> out = new java.util.TreeSet<>();
        driverNet.forEach((d, n) -> {
            if (n > 0) {
                out.add(d);
            }
        });
        return out;
    }

    /** True if the driver was registered at some point of the run. */
    public boolean wasRegistered(String driver) {
        return driverRegistrationsOf.containsKey(driver);
    }

    /** True if the device was unregistered at some point of the run. */
    public boolean wasUnregistered(String device) {
        return unregistered.contains(device);
    }

    /** The last time the device was deferred: its last deferred attempt's start or supplier deferral, or -1. */
    public long lastDeferral(String device) {
        long last = -1;
        for (Attempt a : attemptsOf.getOrDefault(device, List.of())) {
            if (a.outcome() == Outcome.DEFERRED) {
                last = Math.max(last, a.start());
            }
        }
        for (long t : supplierDeferralsOf.getOrDefault(device, List.of())) {
            last = Math.max(last, t);
        }
        return last;
    }

    /** Every device spec of the scenario by name (children and probe-registered devices included). */
    public Map<String, DeviceSpec> deviceSpecs() {
        return Collections.unmodifiableMap(devices);
    }

    /** Every driver spec of the scenario by name (probe-registered drivers included). */
    public Map<String, DriverSpec> driverSpecs() {
        return Collections.unmodifiableMap(drivers);
    }

    /** When the deferred_probe_timeout fired, or -1. */
    public long timeoutAt() {
        return timeoutAt;
    }

    /** When late_initcall enabled deferred probing, or -1. */
    public long probingEnabledAt() {
        return probingEnabledAt;
    }

    public DeviceSpec spec(String device) {
        return devices.get(device);
    }

    public DriverSpec driverSpec(String driver) {
        return drivers.get(driver);
    }

    /** The latest time anything ended. */
    public long endNanos() {
        return recording.lastNanos();
    }

    /**
     * Everything an attempt waited for: its registration, its driver's, the probe its thread ran before it, and for
     * an attempt of a deferred pass the trigger that queued the pass; for a successful attempt also its suppliers'
     * binds and its resources' publications.
     */
    public List<Enabler> enablers(Attempt a) {
        List<Enabler> out = new ArrayList<>();
        long[] reg = latestAt(registrationsOf.get(a.device()), a.start());
        if (reg != null) {
            out.add(new Enabler(EnablerKind.REGISTERED, a.device(), null, reg[0], (int) reg[1], null, null, null));
        }
        long[] drv = latestAt(driverRegistrationsOf.get(a.driver()), a.start());
        if (drv != null) {
            out.add(new Enabler(EnablerKind.DRIVER_REGISTERED, a.driver(), null, drv[0], (int) drv[1], null, null, null));
        }
        Attempt before = previous(a.lane(), a.start());
        if (before != null) {
            out.add(new Enabler(EnablerKind.THREAD_BUSY, before.device(), null, before.end(), a.lane(), null, null, before));
        }
        Pass pass = passAround(a);
        long[] trigger = pass == null ? null : latestAt(triggers, pass.start());
        if (trigger != null) {
            int lane = (int) trigger[1];
            Attempt by = enclosing(lane, trigger[0]);
            by = by != null ? by : previous(lane, trigger[0]);
            Publication late = latestLatePublication(lane, trigger[0]);
            if (late != null && (by == null || late.time() > by.end())) { // a late publication's own trigger (M6)
                Bind b = latest(bindsOf.get(late.device()), late.time());
                out.add(new Enabler(EnablerKind.PASS_TRIGGERED, late.device(), late.device(), trigger[0], lane, b, late,
                        b == null ? null : b.attempt()));
            } else {
                out.add(new Enabler(EnablerKind.PASS_TRIGGERED, by == null ? null : by.device(), null, trigger[0], lane,
                        null, null, by));
            }
        }
        out.addAll(dependencies(a));
        return out;
    }

    /** The suppliers' binds and the resources' publications a successful attempt waited for; none for others. */
    private List<Enabler> dependencies(Attempt a) {
        DeviceSpec spec = devices.get(a.device());
        if (a.outcome() != Outcome.BOUND || spec == null) {
            return List.of();
        }
        List<Enabler> out = new ArrayList<>();
        if (linksGate) {
            for (String s : spec.suppliers()) {
                Bind b = latest(bindsOf.get(s), a.start());
                if (b != null) {
                    out.add(new Enabler(EnablerKind.SUPPLIER_BOUND, s, s, b.time(), b.attempt() == null ? -1
                            : b.attempt().lane(), b, null, null));
                } else if (timeoutAt >= 0 && timeoutAt <= a.start()) {
                    out.add(new Enabler(EnablerKind.LINK_RELAXED, s, null, timeoutAt, -1, null, null, null));
                }
            }
        }
        for (String r : spec.requires()) {
            Publication p = latestPublication(publicationsOf.get(r), a.end());
            if (p != null) {
                Bind b = latest(bindsOf.get(p.device()), p.time());
                out.add(new Enabler(EnablerKind.RESOURCE_PUBLISHED, r, p.device(), p.time(), p.lane(), b, p, null));
            }
        }
        return out;
    }

    /** The latest of {@link #enablers}, or null; ties go to a dependency over a registration. */
    public Enabler lastEnabler(Attempt a) {
        Enabler best = null;
        for (Enabler e : enablers(a)) {
            if (best == null || e.time() > best.time() || (e.time() == best.time() && e.kind().ordinal() > best.kind().ordinal())) {
                best = e;
            }
        }
        return best;
    }

    /**
     * The trace's dependency arrows: into every successful attempt, one from each distinct slice whose bind or
     * publication it waited for (a supplier's bind and the resources published at that bind are one arrow).
     */
    public List<Flow> flows() {
        List<Flow> out = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.outcome() != Outcome.BOUND) {
                continue;
            }
            Set<Object> sources = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Enabler e : dependencies(a)) {
                if (e.kind() == EnablerKind.SUPPLIER_BOUND && e.bind().attempt() != null && sources.add(e.bind().attempt())) {
                    out.add(new Flow(e.bind().attempt(), null, a, e.name() + " -> " + a.device()));
                } else if (e.kind() == EnablerKind.RESOURCE_PUBLISHED && e.publication().host() != a) {
                    Publication p = e.publication();
                    if (p.late() ? sources.add(p) : sources.add(p.host())) {
                        out.add(new Flow(p.host(), p.late() ? p : null, a, e.provider() + " -> " + a.device()));
                    }
                }
            }
        }
        return out;
    }

    /** The bind that came last, or null if nothing bound. */
    public Bind lastBind() {
        Bind last = null;
        for (List<Bind> l : bindsOf.values()) {
            for (Bind b : l) {
                if (b.attempt() != null && (last == null || b.time() > last.time())) {
                    last = b;
                }
            }
        }
        return last;
    }

    /** The critical path, first step first; empty if nothing bound. */
    public List<PathStep> criticalPath() {
        Bind last = lastBind();
        List<PathStep> path = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        Attempt a = last == null ? null : last.attempt();
        while (a != null && seen.add(a.id())) {
            Enabler e = lastEnabler(a);
            path.add(new PathStep(a, e, e == null ? a.start() : e.time()));
            a = e == null ? null : cause(e);
        }
        Collections.reverse(path);
        return path;
    }

    /**
     * The attempt an enabler came from: the bind's; for a registration, the probe that made it (M11, M16), or else
     * the registering thread's previous probe, which it had to finish first (a step's sync probes run inside its
     * registration calls, one after another).
     */
    private Attempt cause(Enabler e) {
        return switch (e.kind()) {
            case SUPPLIER_BOUND, RESOURCE_PUBLISHED -> e.bind() == null ? null : e.bind().attempt();
            case REGISTERED, DRIVER_REGISTERED -> {
                Attempt by = enclosing(e.lane(), e.time());
                yield by != null ? by : previous(e.lane(), e.time());
            }
            case THREAD_BUSY, PASS_TRIGGERED -> e.previous();
            case LINK_RELAXED -> null;
        };
    }

    /** The latest late publication on a lane at or before t, or null. */
    private Publication latestLatePublication(int lane, long t) {
        Publication best = null;
        for (Publication p : publications) {
            if (p.time() > t) {
                break;
            }
            if (p.late() && p.lane() == lane) {
                best = p;
            }
        }
        return best;
    }

    /** The deferred pass an attempt ran in (on its lane, around its start), or null. */
    private Pass passAround(Attempt a) {
        Pass best = null;
        for (Pass p : passes) {
            if (p.start() > a.start()) {
                break;
            }
            if (p.lane() == a.lane() && p.end() >= a.start()) {
                best = p;
            }
        }
        return best;
    }

    /** The attempt on a lane that ended last before time t, or null. */
    private Attempt previous(int lane, long t) {
        Attempt best = null;
        for (Attempt a : attemptsOnLane.getOrDefault(lane, List.of())) {
            if (a.start() > t) {
                break;
            }
            if (a.end() < t && (best == null || a.end() > best.end())) {
                best = a;
            }
        }
        return best;
    }

    /** The innermost attempt running on a lane at time t (a probe that registered something), or null. */
    public Attempt enclosing(int lane, long t) {
        Attempt best = null;
        for (Attempt a : attemptsOnLane.getOrDefault(lane, List.of())) {
            if (a.start() > t) {
                break;
            }
            if (a.end() >= t && (best == null || a.start() >= best.start())) {
                best = a;
            }
        }
        return best;
    }
}
