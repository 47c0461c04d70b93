package org.deferprobe.workload.explain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.KnownBug;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.explain.Explanation.Cause;
import org.deferprobe.workload.explain.Explanation.CauseKind;
import org.deferprobe.workload.explain.Explanation.Node;
import org.deferprobe.workload.explain.Explanation.WaitsFor;
import org.deferprobe.workload.trace.Timeline;

/**
 * Why a device is still deferred, after a run: the question {@code /sys/kernel/debug/devices_deferred} and
 * fw_devlink's {@code waiting_for_supplier} half answer. From the device's deferral reason (what its last probe, or
 * fw_devlink's check, found missing) it follows who should provide that, and that device's state and reason,
 * recursively, down to causes a user can act on:
 * <ul>
 * <li><b>no driver</b>: no registered driver matches a device (none in the scenario does, or the one that does was
 * never registered, or was unregistered);</li>
 * <li><b>probe failed</b>: a device's probe returned an error;</li>
 * <li><b>no provider</b>: no device of the scenario provides a resource;</li>
 * <li><b>cycle</b>: the chain comes back to a device already on it (named, with its members);</li>
 * <li><b>late publication</b>: the resource is there, published by its provider after its probe returned, after the
 * consumer's last try, and no trigger came after it (B2: the kernel engine, like the kernel, does not trigger on a
 * publication);</li>
 * <li><b>not registered</b>: a needed device is not registered (never, unregistered, or a child whose parent never
 * bound, followed into the parent);</li>
 * <li><b>lost probe</b>: what the device waits for is there and a trigger came after it, yet it was not retried (B1:
 * an engine bug).</li>
 * </ul>
 * Reads the run's final states ({@link RunResult}) and what happened ({@link Timeline}); never the engine itself.
 * Single-threaded; one instance per answer (it remembers the devices it explained, so shared dependencies are
 * explained once).
 */
public final class Explainer {
    private final RunResult result;
    private final Timeline timeline;
    private final EngineType engine;
    private final Map<String, DeviceSpec> specs;
    private final Map<String, DriverSpec> drivers;
    /** Resource to the devices of the scenario that provide it. */
    private final Map<String, List<String>> providers = new HashMap<>();
    /** A device to the device whose probe registers it (its spec's children). */
    private final Map<String, String> parentOf = new HashMap<>();
    private final Set<String> explained = new java.util.HashSet<>();
    private final Map<String, List<Cause>> causesOf = new HashMap<>();

    private Explainer(RunResult result, Timeline timeline, EngineType engine) {
        this.result = result;
        this.timeline = timeline;
        this.engine = engine;
        this.specs = timeline.deviceSpecs();
        this.drivers = timeline.driverSpecs();
        for (DeviceSpec d : specs.values()) {
            for (String r : d.provides()) {
                providers.computeIfAbsent(r, k -> new ArrayList<>()).add(d.name());
            }
            for (DeviceSpec c : d.children()) {
                parentOf.put(c.name(), d.name());
            }
        }
        providers.values().forEach(l -> l.sort(null));
    }

    /**
     * @param named the devices to explain; empty for every device still deferred
     * @throws IllegalArgumentException if a named device is neither in the scenario nor in the run
     */
    public static Explanation explain(RunResult result, Timeline timeline, EngineType engine, List<String> named) {
        Explainer x = new Explainer(result, timeline, engine);
        for (String n : named) {
            if (!x.specs.containsKey(n) && !result.deferred().containsKey(n) && !result.bound().contains(n)) {
                throw new IllegalArgumentException("no device " + n + " in the scenario");
            }
        }
        List<String> asked = named.isEmpty() ? List.copyOf(new java.util.TreeSet<>(result.deferred().keySet())) : named;
        List<Explanation.Device> out = new ArrayList<>();
        for (String d : asked) {
            Node chain = x.node(d, new ArrayList<>());
            out.add(new Explanation.Device(d, chain, x.causes(chain)));
        }
        return new Explanation(result.scenario(), result.engine(), result.devices(), result.deferred().size(), out,
                result.violations());
    }

    // ---------------------------------------------------------------- the chain

    private String state(String device) {
        if (result.bound().contains(device)) {
            return "bound";
        }
        if (result.deferred().containsKey(device)) {
            return "deferred";
        }
        if (result.failed().contains(device)) {
            return "failed";
        }
        if (result.unbound().contains(device)) {
            return "unbound";
        }
        return "not registered";
    }

    /** Explains one device; {@code path} holds the devices on the chain above it. */
    private Node node(String device, List<String> path) {
        String state = state(device);
        int loop = path.indexOf(device);
        if (loop >= 0) {
            List<String> members = new ArrayList<>(path.subList(loop, path.size()));
            members.add(device);
            return new Node(device, state, result.deferred().get(device), null, List.of(), new Cause(CauseKind.CYCLE,
                    null, null, members, "dependency cycle: " + String.join(" -> ", members) + " (" + (members.size() - 1)
                    + " devices, each waiting for the next; break it, e.g. make one of the dependencies optional)"),
                    false);
        }
        if (explained.contains(device) && !state.equals("bound")) {
            return new Node(device, state, result.deferred().get(device), null, List.of(), null, true);
        }
        explained.add(device);
        path.add(device);
        try {
            Node n = switch (state) {
                case "bound" -> new Node(device, "bound to " + boundDriver(device), null, null, List.of(), null, false);
                case "failed" -> new Node(device, state, null, null, List.of(), failed(device), false);
                case "unbound" -> new Node(device, state, null, null, List.of(), noDriver(device), false);
                case "deferred" -> deferred(device, path);
                default -> notRegistered(device, path);
            };
            causesOf.put(device, causes(n));
            return n;
        } finally {
            path.remove(path.size() - 1);
        }
    }

    /** Every root cause under a node, each once, in order; a device explained above brings its own. */
    private List<Cause> causes(Node n) {
        List<Cause> out = new ArrayList<>();
        collect(n, out);
        return out;
    }

    private void collect(Node n, List<Cause> out) {
        List<Cause> own = n.seeAbove() ? causesOf.getOrDefault(n.device(), List.of())
                : n.cause() == null ? List.of() : List.of(n.cause());
        for (Cause c : own) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        n.next().forEach(c -> collect(c, out));
    }

    private String boundDriver(String device) {
        List<Timeline.Bind> binds = timeline.bindsOf(device);
        return binds.isEmpty() ? "?" : binds.get(binds.size() - 1).driver();
    }

    private Node deferred(String device, List<String> path) {
        String reason = result.deferred().get(device);
        String supplier = reason != null && reason.startsWith("wait for supplier ")
                ? reason.substring("wait for supplier ".length()) : null;
        String resource = supplier == null && reason != null && reason.startsWith("waiting for ")
                ? reason.substring("waiting for ".length()) : null;
        if (supplier != null) {
            Node s = node(supplier, path);
            Cause c = null;
            if (s.state().startsWith("bound")) {
                Timeline.Bind b = last(timeline.bindsOf(supplier));
                c = lostProbe(device, "supplier " + supplier + " is bound" + (b == null ? "" : " (since "
                        + ms(b.time()) + ")"), b == null ? -1 : b.time());
            }
            return new Node(device, "deferred", reason, new WaitsFor("supplier", supplier, List.of(supplier)),
                    List.of(s), c, false);
        }
        if (resource == null) {
            return new Node(device, "deferred", reason, null, List.of(), new Cause(CauseKind.UNEXPLAINED, device, null,
                    List.of(), device + " is deferred with no reason recorded"), false);
        }
        List<String> by = providers.getOrDefault(resource, List.of());
        if (by.isEmpty()) {
            return new Node(device, "deferred", reason, new WaitsFor("resource", resource, by), List.of(),
                    new Cause(CauseKind.NO_PROVIDER, device, resource, List.of(), "nobody provides resource " + resource
                            + ": no device of the scenario lists it in \"provides\" (add its provider, or drop it from "
                            + device + "'s \"requires\")"), false);
        }
        List<Node> next = new ArrayList<>();
        Cause here = null;
        for (String p : by) {
            Node n = node(p, path);
            next.add(n);
            if (n.state().startsWith("bound") && here == null) {
                here = published(device, resource, p);
            }
        }
        return new Node(device, "deferred", reason, new WaitsFor("resource", resource, by), next, here, false);
    }

    /** A deferred consumer of a resource whose provider is bound: published late without a trigger, or lost. */
    private Cause published(String device, String resource, String provider) {
        Timeline.Publication pub = last(timeline.publicationsOf(resource));
        long tried = timeline.lastDeferral(device);
        if (pub == null) {
            DriverSpec drv = drivers.get(boundDriver(provider));
            String why = drv != null && drv.publishDelayMicros() > 0 ? " (its driver publishes "
                    + drv.publishDelayMicros() + " us after its probe returns, and the run ended first)" : "";
            return new Cause(CauseKind.UNEXPLAINED, provider, resource, List.of(), provider + " is bound but never "
                    + "published " + resource + why);
        }
        if (pub.time() < tried) {
            return new Cause(CauseKind.UNEXPLAINED, device, resource, List.of(), device + " deferred on " + resource
                    + " after " + pub.device() + " published it at " + ms(pub.time()) + "; was it withdrawn since?");
        }
        boolean triggeredAfter = timeline.triggers().stream().anyMatch(t -> t >= pub.time());
        if (pub.late() && !triggeredAfter) {
            Timeline.Bind b = lastBefore(timeline.bindsOf(pub.device()), pub.time());
            String after = b == null || b.attempt() == null ? "" : ", " + duration(pub.time() - b.attempt().end())
                    + " after its probe returned";
            String bug = engine.has(KnownBug.B2_LATE_RESOURCE) ? "B2: the " + engine.engineName() + " engine, like the "
                    + "kernel, does not trigger deferred probing when a resource is published; only another bind or the "
                    + "deferred_probe_timeout would retry it" : "this engine should have triggered on the publication";
            return new Cause(CauseKind.LATE_PUBLICATION, device, resource, List.of(), "resource " + resource
                    + " was published late by " + pub.device() + " (at " + ms(pub.time()) + after + ") and nothing "
                    + "triggered a deferred pass after it, so " + device + ", deferred at " + ms(tried) + ", was never "
                    + "retried (" + bug + ")");
        }
        return lostProbe(device, "resource " + resource + " was published by " + pub.device() + " at "
                + ms(pub.time()), pub.time());
    }

    private Cause lostProbe(String device, String what, long since) {
        long tried = timeline.lastDeferral(device);
        boolean triggeredAfter = since >= 0 && timeline.triggers().stream().anyMatch(t -> t >= since);
        return new Cause(CauseKind.LOST_PROBE, device, null, List.of(), what + ", after " + device + "'s last try at "
                + ms(tried) + (triggeredAfter ? ", and a trigger came after it" : ", and no trigger came after it")
                + ", yet " + device + " was not retried: a lost probe (B1), the engine's bug");
    }

    private Cause failed(String device) {
        List<Timeline.Attempt> attempts = timeline.attemptsOf(device);
        Timeline.Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        String driver = last == null ? null : last.driver();
        DriverSpec spec = driver == null ? null : drivers.get(driver);
        String threw = result.errors().stream().filter(e -> e.startsWith(device + " probe by ")).findFirst().orElse(null);
        String why = threw != null ? ": " + threw : spec != null && spec.fails() ? ": its driver " + driver
                + " returns an error (\"fails\": true)" : driver != null ? " (driver " + driver + ")" : "";
        return new Cause(CauseKind.PROBE_FAILED, device, null, List.of(), device + "'s probe failed" + why);
    }

    private Cause noDriver(String device) {
        DeviceSpec d = specs.get(device);
        if (d == null) {
            return new Cause(CauseKind.NO_DRIVER, device, null, List.of(), "no driver registered for " + device);
        }
        Set<String> registered = timeline.registeredDrivers();
        List<String> matching = drivers.values().stream().filter(drv -> matches(drv, d)).map(DriverSpec::name).sorted()
                .toList();
        String id = "compatible " + String.join(", ", d.compatible()) + " on bus " + d.bus();
        String why;
        if (matching.isEmpty()) {
            why = "no driver of the scenario matches it";
        } else if (matching.stream().anyMatch(registered::contains)) {
            return new Cause(CauseKind.UNEXPLAINED, device, null, List.of(), device + " is unbound though driver "
                    + matching.stream().filter(registered::contains).findFirst().orElseThrow() + " is registered and "
                    + "matches it (" + id + ")");
        } else {
            String m = matching.get(0);
            String byProbe = drivers.values().stream().filter(p -> p.registersDrivers().stream()
                    .anyMatch(c -> c.name().equals(m))).map(DriverSpec::name).findFirst().orElse(null);
            why = "driver " + m + " matches it but " + (timeline.wasRegistered(m) ? "was unregistered"
                    : byProbe != null ? "is registered only by driver " + byProbe + "'s probe, which never ran"
                    : "was never registered");
        }
        return new Cause(CauseKind.NO_DRIVER, device, null, List.of(), "no driver registered for " + device + " ("
                + id + "): " + why);
    }

    private static boolean matches(DriverSpec drv, DeviceSpec d) {
        return drv.bus().equals(d.bus()) && drv.matches().stream().anyMatch(d.compatible()::contains);
    }

    private Node notRegistered(String device, List<String> path) {
        if (!specs.containsKey(device)) {
            return new Node(device, "not registered", null, null, List.of(), new Cause(CauseKind.NOT_REGISTERED, device,
                    null, List.of(), device + " is not a device of the scenario"), false);
        }
        String parent = parentOf.get(device);
        if (parent != null && !timeline.wasUnregistered(device)) {
            Node p = node(parent, path);
            Cause c = causes(p).isEmpty() ? new Cause(CauseKind.NOT_REGISTERED, device, null, List.of(), device
                    + " is registered by " + parent + "'s probe, and " + parent + " is " + p.state()) : null;
            return new Node(device, "not registered", null,
                    new WaitsFor("parent", parent, List.of(parent)), List.of(p), c, false);
        }
        String how = timeline.wasUnregistered(device) ? "was unregistered by a step" : "was never registered";
        return new Node(device, "not registered", null, null, List.of(), new Cause(CauseKind.NOT_REGISTERED, device, null,
                List.of(), device + " " + how + " (register it: a register-devices step)"), false);
    }

    private static <T> T last(List<T> l) {
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    private static Timeline.Bind lastBefore(List<Timeline.Bind> binds, long t) {
        Timeline.Bind best = null;
        for (Timeline.Bind b : binds) {
            if (b.time() <= t) {
                best = b;
            }
        }
        return best;
    }

    /** A moment of the run, from its start. */
    private String ms(long nanos) {
        return duration(nanos - timeline.recording().startNanos());
    }

    private static String duration(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    // ---------------------------------------------------------------- text

    /** The answer as text: per device its chain, indented, then its root causes. */
    public static String text(Explanation x) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: %d of %d devices still deferred%n", x.engine(), x.deferred(), x.devices()));
        x.violations().forEach(v -> b.append("  run violation (the explanation may be incomplete): ").append(v)
                .append(System.lineSeparator()));
        if (x.devicesExplained().isEmpty()) {
            b.append("  nothing is deferred").append(System.lineSeparator());
        }
        for (Explanation.Device d : x.devicesExplained()) {
            render(b, d.chain(), 1);
            List<Cause> causes = d.causes();
            if (causes.size() == 1) {
                b.append("  root cause: ").append(causes.get(0).text()).append(System.lineSeparator());
            } else if (!causes.isEmpty()) {
                b.append("  root causes:").append(System.lineSeparator());
                for (int i = 0; i < causes.size(); i++) {
                    b.append("    ").append(i + 1).append(". ").append(causes.get(i).text()).append(System.lineSeparator());
                }
            }
        }
        return b.toString();
    }

    private static void render(StringBuilder b, Node n, int depth) {
        String pad = "  ".repeat(depth);
        b.append(pad).append(n.device()).append(": ").append(n.state());
        if (n.reason() != null) {
            b.append(" (").append(n.reason()).append(')');
        }
        if (n.seeAbove()) {
            b.append(", explained above");
        }
        b.append(System.lineSeparator());
        WaitsFor w = n.waitsFor();
        if (w != null && w.kind().equals("resource")) {
            b.append(pad).append("  waits for resource ").append(w.name()).append(w.providers().isEmpty()
                    ? ", which no device provides" : ", provided by " + String.join(", ", w.providers()))
                    .append(System.lineSeparator());
        } else if (w != null && w.kind().equals("parent")) {
            b.append(pad).append("  registered only by its parent ").append(w.name()).append("'s probe")
                    .append(System.lineSeparator());
        } else if (w != null && w.kind().equals("supplier")) {
            b.append(pad).append("  waits for its supplier ").append(w.name()).append(" to bind (fw_devlink)")
                    .append(System.lineSeparator());
        }
        for (Node c : n.next()) {
            render(b, c, depth + 2);
        }
        if (n.cause() != null) { // the sentence is in the device's root causes, below its chain
            b.append(pad).append("  => ").append(n.cause().kind().id()).append(System.lineSeparator());
        }
    }
}
