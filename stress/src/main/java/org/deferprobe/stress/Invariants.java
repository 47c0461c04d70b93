package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DeviceState;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.KnownBug;
import org.deferprobe.engine.Snapshot;
import org.deferprobe.engine.Stats;

/**
 * The checks a soak runs at quiescence, each a named invariant whose message names the devices involved.
 *
 * <ul>
 *   <li>{@code lost-probe} (M8, M13): a live device, not bound and not failed, whose driver is registered and
 *       whose requirements are all published (provided by a live bound device). If its latest deferral waited
 *       for a resource published late (seeds 001/002), B2 explains it;
 *   <li>{@code bound-after-removal} (M9): the model saw a probe of a device after {@code unregisterDevice}
 *       returned (its own {@code probe-of-dead-device});
 *   <li>{@code probe-after-driver-removal} (M10) and {@code concurrent-probe} (M4): as the model saw them;
 *   <li>{@code counter-mismatch} (M14): probe calls differ from binds + deferrals + failures;
 *   <li>{@code supplier-not-bound} (M17, fw_devlink on only): a bound device one of whose suppliers (its device
 *       links) is not bound: its probe was gated on the supplier's bind, and the supplier's unbind unbinds it;
 *   <li>{@code bound-without-supplier} (M15): a device requiring a resource nobody provides, or on a requires
 *       cycle, is bound;
 *   <li>{@code index-leak} (M1): the registry's names and its match index disagree at quiescence (a removed
 *       device or driver still indexed, or a live one missing): {@link Snapshot#registryAudit()};
 *   <li>{@code lost-driver} (M3, M10; at the end of a phase only): a driver the soak registered is not
 *       registered when every thread's last operation on it was a registration (a reload refused while the old
 *       instance detached is retried by the thread that unloaded it, so one of them always succeeds);
 *   <li>{@code children} (M16): a device a probe registers is live exactly while that probe's device is bound
 *       (its error path and its unbind remove it);
 *   <li>{@code engine-error}: an engine task or a registration call threw, or a probe threw.
 * </ul>
 * Whether a driver is registered is the engine's own answer ({@link Snapshot#drivers()}), so the checks hold at
 * any quiescence, mid-round included.
 * The watchdog adds {@code deadlock}, {@code livelock} and {@code quiescence-timeout}, the lock-order validator
 * {@code lock-order}.
 */
final class Invariants {
    private Invariants() {
    }

    /**
     * @param mode       the engine's fw_devlink mode: with {@code on}, supplier-not-bound applies
     * @param endOfPhase every operation of the round so far has returned: every driver the soak registers must
     *                   be registered
     */
    static List<SoakViolation> check(EngineType type, SoakWorkload w, FwDevlink mode, int round, Snapshot snap,
                                     Collection<String> opErrors, boolean endOfPhase) {
        List<SoakViolation> out = new ArrayList<>();
        for (String problem : snap.registryAudit()) {
            out.add(new SoakViolation("index-leak", round, problem));
        }
        Set<String> registered = new HashSet<>(snap.drivers());
        if (endOfPhase) {
            List<String> lost = w.drivers.keySet().stream().filter(d -> !registered.contains(d)).sorted().toList();
            if (!lost.isEmpty()) {
                out.add(new SoakViolation("lost-driver", round, lost.size() + " drivers not registered after every "
                        + "thread's last operation on them registered them: " + lost.subList(0, Math.min(10, lost.size()))
                        + (lost.size() > 10 ? ", ..." : "")));
            }
        }
        out.addAll(modelChecks(type, round, snap));
        w.childDeviceParent.forEach((child, parent) -> { // M16: a probe's devices live exactly while it is bound
            boolean parentBound = snap.stateOf(parent) == DeviceState.BOUND;
            boolean childLive = snap.states().containsKey(child);
            if (parentBound != childLive) {
                out.add(new SoakViolation("children", round, parentBound
                        ? child + " is missing though " + parent + ", whose probe registers it, is bound"
                        : child + " is " + snap.stateOf(child).name().toLowerCase() + " though " + parent
                        + ", whose probe registered it, is " + snap.stateOf(parent).name().toLowerCase()
                        + " (its error path or its unbind should have removed it)"));
            }
        });
        snap.errors().forEach(e -> out.add(new SoakViolation("engine-error", round, "a probe threw: " + e)));
        opErrors.forEach(e -> out.add(new SoakViolation("engine-error", round, e)));
        Stats s = snap.stats();
        if (s.probeCalls() != s.binds() + s.deferrals() + s.failures()) {
            out.add(new SoakViolation("counter-mismatch", round, String.format(
                    "probe calls %d != binds %d + deferrals %d + failures %d", s.probeCalls(), s.binds(),
                    s.deferrals(), s.failures())));
        }
        Set<String> published = new HashSet<>();
        for (Map.Entry<String, DeviceState> e : snap.states().entrySet()) {
            if (e.getValue() == DeviceState.BOUND) {
                published.addAll(w.deviceByName(e.getKey()).provides());
            }
        }
        for (Map.Entry<String, DeviceState> e : snap.states().entrySet()) {
            String dev = e.getKey();
            DeviceState state = e.getValue();
            DeviceSpec spec = w.deviceByName(dev);
            if (state == DeviceState.BOUND) {
                if (mode == FwDevlink.ON) { // links gate the probe, and a supplier's unbind unbinds its consumers
                    for (String supplier : spec.suppliers()) {
                        DeviceState ss = snap.stateOf(supplier);
                        if (ss != DeviceState.BOUND) {
                            out.add(new SoakViolation("supplier-not-bound", round, dev + " is bound though its "
                                    + "supplier " + supplier + " is " + ss.name().toLowerCase() + " (fw_devlink on: "
                                    + "device_links_check_suppliers gates its probe on " + supplier + "'s bind, and "
                                    + supplier + "'s unbind unbinds it first, device_links_unbind_consumers)"));
                        }
                    }
                }
                if (w.cycleDevices.contains(dev) || spec.requires().stream().anyMatch(w.ghosts::contains)) {
                    out.add(new SoakViolation("bound-without-supplier", round, dev + " is bound though it requires "
                            + spec.requires() + (w.cycleDevices.contains(dev) ? ", a requires cycle" : ", never provided")));
                }
            } else if (state == DeviceState.DEFERRED || state == DeviceState.UNBOUND || state == DeviceState.PROBING) {
                if (registered.contains(w.driverOf.get(dev)) && published.containsAll(spec.requires())) {
                    out.add(lostProbe(type, w, round, snap, dev, state, spec));
                }
            }
        }
        return out;
    }

    /**
     * What the model saw for itself (M4, M9, M10): valid at any time, so also after a round ended by a livelock,
     * whose other checks do not apply (its probes were made to fail).
     */
    static List<SoakViolation> modelChecks(EngineType type, int round, Snapshot snap) {
        List<SoakViolation> out = new ArrayList<>();
        for (String line : snap.violations()) {
            int colon = line.indexOf(": ");
            String rule = colon < 0 ? "engine-error" : line.substring(0, colon);
            String detail = colon < 0 ? line : line.substring(colon + 2);
            switch (rule) {
                case "probe-of-dead-device" -> out.add(explain(type, KnownBug.B3_REMOVE_VS_ASYNC,
                        new SoakViolation("bound-after-removal", round, detail + " (model: probe-of-dead-device)")));
                case "concurrent-probe", "probe-after-driver-removal" -> out.add(new SoakViolation(rule, round, detail));
                default -> out.add(new SoakViolation("engine-error", round, line));
            }
        }
        return out;
    }

    private static SoakViolation lostProbe(EngineType type, SoakWorkload w, int round, Snapshot snap, String dev,
                                           DeviceState state, DeviceSpec spec) {
        String reason = snap.deferred().get(dev);
        String waitedFor = reason != null && reason.startsWith("waiting for ") ? reason.substring(12) : null;
        boolean late = waitedFor != null && w.lateResources.contains(waitedFor);
        String msg = dev + " is " + state.name().toLowerCase() + (reason == null ? "" : " (" + reason + ")")
                + " but would bind now: its driver " + w.driverOf.get(dev) + " is registered and "
                + (spec.requires().isEmpty() ? "it requires nothing" : "its requirements " + spec.requires()
                + " are published")
                + (late ? "; it waited for " + waitedFor + ", published late (after its provider's probe returned)" : "");
        SoakViolation v = new SoakViolation("lost-probe", round, msg);
        return explain(type, late ? KnownBug.B2_LATE_RESOURCE : KnownBug.B1_LOST_PROBE, v);
    }

    private static SoakViolation explain(EngineType type, KnownBug bug, SoakViolation v) {
        return type.has(bug) ? v.explained(bug) : v;
    }

    /** Whether a violation fails the soak: on a real engine, not when its known bug explains it. */
    static boolean fails(EngineType type, SoakViolation v) {
        return type.isBroken() || v.explainedBy() == null;
    }

    /** The watchdog's verdicts explained by an engine's declared bugs (B4's signature is a deadlock on itself). */
    static SoakViolation explainWatchdog(EngineType type, SoakViolation v) {
        return switch (v.check()) {
            case "deadlock", "recursive-locking" -> explain(type, KnownBug.B4_PROBE_REGISTERS_DRIVER, v);
            case "registration-blocked" -> explain(type, KnownBug.STUCK_PROBE_BLOCKS_REGISTRATION, v);
            default -> v;
        };
    }
}
