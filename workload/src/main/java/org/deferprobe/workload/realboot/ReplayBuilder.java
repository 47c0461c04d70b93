package org.deferprobe.workload.realboot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.ProbeType;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioException;
import org.deferprobe.workload.devicetree.DeviceTreeNode;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.Linked;
import org.deferprobe.workload.realboot.BootEvent.NotLinking;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;
import org.deferprobe.workload.realboot.ProbeAttempt.Outcome;

/**
 * Builds one {@link BootReplay}: the rules of its class comment, step by step. Used once; not thread-safe.
 */
final class ReplayBuilder {
    private static final Pattern FW_DEVLINK = Pattern.compile("(?:^| )fw_devlink=(\\S+)");

    final BootLog log;
    final String dtbName;
    final DeviceTreeNode root;
    final Scenario tree;
    final DeviceNameMap names;
    final List<String> notes = new ArrayList<>();
    /** Kept devices: kernel name to node path, in tree order. */
    final Map<String, String> nodeOf = new LinkedHashMap<>();
    final Map<String, String> nameOfNode = new HashMap<>();
    final Map<String, DeviceSpec> treeSpecOf = new HashMap<>();
    final Map<String, Set<String>> suppliers = new LinkedHashMap<>();
    final Map<String, Set<String>> requires = new LinkedHashMap<>();
    final Map<String, List<String>> caveats = new HashMap<>();
    final Set<String> gated = new LinkedHashSet<>();
    final Map<String, BootReplay.Device> compared = new LinkedHashMap<>();
    final List<DeviceSpec> specs = new ArrayList<>();
    final List<DriverSpec> driverSpecs = new ArrayList<>();
    final Map<String, String> realDriverOf = new HashMap<>();
    final FwDevlink fwDevlink;
    ReplayTimeline timeline;

    ReplayBuilder(BootLog log, String dtbName, DeviceTreeNode root, Scenario tree) {
        this.log = log;
        this.dtbName = dtbName;
        this.root = root;
        this.tree = tree;
        this.names = DeviceNameMap.of(root, log);
        this.fwDevlink = fwDevlink(log);
    }

    /** fw_devlink= of the command line (on, permissive, off; 6.1's default on, also for rpm and others). */
    private static FwDevlink fwDevlink(BootLog log) {
        if (log.commandLine() != null) {
            Matcher m = FW_DEVLINK.matcher(log.commandLine());
            if (m.find()) {
                return switch (m.group(1)) {
                    case "off" -> FwDevlink.OFF;
                    case "permissive" -> FwDevlink.PERMISSIVE;
                    default -> FwDevlink.ON;
                };
            }
        }
        return FwDevlink.ON;
    }

    BootReplay build() {
        keepSharedDevices();
        refineSuppliers();
        bestEffortConsole();
        inferRequirements();
        gateAmba();
        timeline = ReplayTimeline.of(log, nodeOf.keySet(), gated);
        buildDrivers();
        buildDevices();
        return new BootReplay(this);
    }

    /** The tree's devices the log names or adds, with the tree's suppliers among them. */
    private void keepSharedDevices() {
        int treeDevices = 0;
        List<String> absent = new ArrayList<>();
        for (DeviceSpec d : tree.devices()) {
            treeDevices++;
            String kname = names.expectedName(d.name()).orElse(null);
            if (kname == null || !(log.devices().containsKey(kname) || log.added().contains(kname))) {
                absent.add(d.name());
                continue;
            }
            if (nodeOf.containsKey(kname)) {
                notes.add("two nodes have the kernel name " + kname + ": " + nodeOf.get(kname) + " kept, "
                        + d.name() + " left out");
                continue;
            }
            nodeOf.put(kname, d.name());
            nameOfNode.put(d.name(), kname);
            treeSpecOf.put(kname, d);
        }
        if (nodeOf.isEmpty()) {
            throw new ScenarioException(log.source(), "shares no device with " + dtbName + " (none of its "
                    + treeDevices + " devices has a kernel name the log names): a log of another board?");
        }
        int probed = 0;
        int mapped = 0;
        for (DeviceHistory h : log.devices().values()) {
            if ((h.bus().equals("platform") || h.bus().equals("amba")) && !h.attempts().isEmpty()) {
                probed++;
                mapped += names.node(h.name()).isPresent() ? 1 : 0;
            }
        }
        if (2 * mapped < probed) {
            throw new ScenarioException(log.source(), "only " + mapped + " of the " + probed + " platform and amba "
                    + "devices it probes have a node in " + dtbName + ": a log of another board?");
        }
        notes.add(String.format("devices: %d of the tree's %d are in the log; %d have no device in the kernel "
                + "(initialized early or handled by their parent's driver)", nodeOf.size(), treeDevices,
                absent.size()));
        int edges = 0;
        for (Map.Entry<String, String> e : nodeOf.entrySet()) {
            Set<String> s = new LinkedHashSet<>();
            for (String path : treeSpecOf.get(e.getKey()).suppliers()) {
                String sup = nameOfNode.get(path);
                if (sup != null) {
                    s.add(sup);
                }
            }
            edges += s.size();
            suppliers.put(e.getKey(), s);
            requires.put(e.getKey(), new LinkedHashSet<>(s));
        }
        notes.add("suppliers: " + edges + " links of the tree (rules 3-5) between those devices");
    }

    /** Drops links the kernel did not make or made for sync_state only; adds those that held back a probe. */
    private void refineSuppliers() {
        Set<String> full = new HashSet<>();
        Set<String> syncOnly = new HashSet<>();
        Set<String> notLinked = new HashSet<>();
        for (BootEvent e : log.events()) {
            if (e instanceof Linked l) {
                (l.syncStateOnly() ? syncOnly : full).add(pair(l.consumer(), l.supplier()));
            } else if (e instanceof NotLinking n) {
                String sup = deviceOfNode(n.supplierPath());
                if (sup != null) {
                    notLinked.add(pair(n.consumer(), sup));
                }
            }
        }
        int droppedNotLinked = 0;
        int droppedSync = 0;
        int confirmed = 0;
        for (Map.Entry<String, Set<String>> e : suppliers.entrySet()) {
            String c = e.getKey();
            for (String s : new ArrayList<>(e.getValue())) {
                String p = pair(c, s);
                if (full.contains(p)) {
                    confirmed++;
                } else if (notLinked.contains(p)) {
                    e.getValue().remove(s);
                    requires.get(c).remove(s);
                    droppedNotLinked++;
                } else if (syncOnly.contains(p)) {
                    e.getValue().remove(s);
                    requires.get(c).remove(s);
                    droppedSync++;
                }
            }
        }
        int added = 0;
        for (Map.Entry<String, String> e : nodeOf.entrySet()) {
            DeviceHistory h = log.devices().get(e.getKey());
            if (h == null) {
                continue;
            }
            for (ProbeAttempt a : h.attempts()) {
                if (a.outcome() != Outcome.SUPPLIER_NOT_READY || a.detail() == null) {
                    continue;
                }
                if (nodeOf.containsKey(a.detail())) {
                    if (suppliers.get(e.getKey()).add(a.detail())) {
                        requires.get(e.getKey()).add(a.detail());
                        added++;
                    }
                } else {
                    caveat(e.getKey(), "the kernel deferred it on supplier " + a.detail()
                            + ", which is not a device of the tree");
                }
            }
        }
        notes.add(String.format("suppliers: %d confirmed by the log's device links, %d dropped as the kernel did "
                + "not link them (\"Not linking\": initialized without a device), %d dropped as linked for "
                + "sync_state only, %d added from \"supplier not ready\" lines", confirmed, droppedNotLinked,
                droppedSync, added));
    }

    /** The kept device a node stands for: itself or its nearest kept ancestor (a pin group: its controller). */
    private String deviceOfNode(String path) {
        for (DeviceTreeNode n = root.find(path); n != null && n.parent() != null; n = n.parent()) {
            String k = nameOfNode.get(n.path());
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    private static String pair(String consumer, String supplier) {
        return consumer + '\u0000' + supplier;
    }

    private void caveat(String device, String line) {
        List<String> l = caveats.computeIfAbsent(device, k -> new ArrayList<>());
        if (!l.contains(line)) {
            l.add(line);
        }
    }

    /**
     * The console (the node of /chosen's stdout-path) is probed "best effort" in 6.1: drivers/of/base.c's
     * of_alias_scan flags it FWNODE_FLAG_BEST_EFFORT, and core.c's device_links_check_suppliers then skips its
     * links to suppliers that have not matched a driver yet (so a console comes up early), leaving its driver's
     * own lookups (clk_get, pinctrl_bind_pins) to defer it. The replay keeps its suppliers as requirements only:
     * its probe is called and defers on what is missing.
     */
    private void bestEffortConsole() {
        DeviceTreeNode chosen = root.find("/chosen");
        if (chosen == null || chosen.strings("stdout-path").isEmpty()) {
            return;
        }
        String path = chosen.strings("stdout-path").get(0);
        int colon = path.indexOf(':');
        if (colon >= 0) {
            path = path.substring(0, colon);
        }
        if (!path.startsWith("/")) {
            DeviceTreeNode aliases = root.find("/aliases");
            List<String> target = aliases == null ? List.of() : aliases.strings(path);
            if (target.isEmpty()) {
                return;
            }
            path = target.get(0);
        }
        String console = nameOfNode.get(path);
        if (console != null && !suppliers.get(console).isEmpty()) {
            notes.add("console: " + console + " (stdout-path) is probed best effort: its " + suppliers.get(console)
                    .size() + " supplier(s) are requirements its probe checks, not links that hold it back");
            suppliers.get(console).clear();
        }
    }

    /**
     * A probe deferred by its driver (or by the core, pinctrl) and attempted again needed what bound last before
     * that attempt; one deferred to the end needs what never came.
     */
    private void inferRequirements() {
        List<Bound> binds = new ArrayList<>();
        Set<String> timedOut = new HashSet<>();
        for (BootEvent e : log.events()) {
            if (e instanceof Bound b) {
                binds.add(b);
            } else if (e instanceof BootEvent.DeferredTimeoutIgnored t) {
                timedOut.add(t.device());
            }
        }
        int inferred = 0;
        int unmet = 0;
        for (String x : nodeOf.keySet()) {
            DeviceHistory h = log.devices().get(x);
            if (h == null) {
                continue;
            }
            List<ProbeAttempt> as = h.attempts();
            for (int i = 0; i < as.size(); i++) {
                ProbeAttempt a = as.get(i);
                if (a.outcome() != Outcome.DEFERRED_BY_DRIVER && a.outcome() != Outcome.DEFERRED_BY_CORE) {
                    continue;
                }
                if (i + 1 == as.size()) {
                    if (requires.get(x).add(BootReplay.UNMET_PREFIX + x)) {
                        unmet++;
                    }
                    continue;
                }
                ProbeAttempt next = as.get(i + 1);
                if (next.outcome() == a.outcome()) {
                    continue; // what it waits for came later
                }
                if (next.outcome() == Outcome.FAILED && timedOut.contains(x)) {
                    caveat(x, "after the deferred_probe_timeout its driver stopped waiting and failed "
                            + "(driver_deferred_probe_check_state: -ETIMEDOUT); the model has no optional "
                            + "dependency, so its twin fails it at once");
                    continue;
                }
                List<String> bindsBetween = bindsBetween(binds, a.stamp().line(), next.stamp().line(), x);
                if (bindsBetween.stream().anyMatch(p -> requires.get(x).contains(p) || suppliers.get(x).contains(p))) {
                    continue; // what the tree says it needs bound meanwhile: that explains the retry
                }
                String provider = bindsBetween.isEmpty() ? null : bindsBetween.get(bindsBetween.size() - 1);
                if (provider == null) {
                    caveat(x, "its driver deferred it (" + a.outcome() + ") and nothing the tree has bound before "
                            + "its next attempt: what it waited for is not a device of the tree");
                } else if (requires.get(x).add(provider)) {
                    inferred++;
                }
            }
        }
        notes.add("requirements: " + inferred + " inferred from deferrals the driver or the core asked for "
                + "(the bind last before the next attempt), " + unmet + " never met (deferred to the end)");
    }

    /** The devices of the tree whose binds the log shows strictly between two lines, other than {@code self}. */
    private List<String> bindsBetween(List<Bound> binds, int after, int before, String self) {
        List<String> found = new ArrayList<>();
        for (Bound b : binds) {
            int line = b.stamp().line();
            if (line <= after) {
                continue;
            }
            if (line >= before) {
                break;
            }
            if (nodeOf.containsKey(b.device()) && !b.device().equals(self)) {
                found.add(b.device());
            }
        }
        return found;
    }

    /** amba devices whose match never succeeded: deferred with no attempt, to the end. */
    private void gateAmba() {
        for (String x : nodeOf.keySet()) {
            DeviceHistory h = log.devices().get(x);
            if (h == null || !h.bus().equals("amba")) {
                continue;
            }
            if (h.matchDeferrals() > 0 && h.attempts().isEmpty() && h.finalState() == FinalState.DEFERRED) {
                gated.add(x);
                suppliers.get(x).add(x);
            }
        }
        if (!gated.isEmpty()) {
            notes.add("amba: " + gated.size() + " device(s) whose match never succeeded (peripheral ID unreadable: "
                    + "hardware the machine lacks) are held back by themselves under the driver " + BootReplay.AMBA_MATCH
                    + ": " + String.join(", ", gated));
        }
    }

    /** One driver per (bus, driver) the log shows attempting kept devices; failing twins; the amba match. */
    private void buildDrivers() {
        record Key(String bus, String name) {
        }
        Map<Key, List<String>> ok = new LinkedHashMap<>();
        Map<Key, List<String>> fail = new LinkedHashMap<>();
        Map<String, Integer> busesOfName = new HashMap<>();
        for (String driver : timeline.driverOrder()) {
            // the timeline lists drivers as bus + '\0' + name, in registration order
            int z = driver.indexOf('\u0000');
            Key k = new Key(driver.substring(0, z), driver.substring(z + 1));
            ok.put(k, new ArrayList<>());
            fail.put(k, new ArrayList<>());
            busesOfName.merge(k.name, 1, Integer::sum);
        }
        for (String x : nodeOf.keySet()) {
            DeviceHistory h = log.devices().get(x);
            if (h == null) {
                continue;
            }
            Map<String, Outcome> last = new LinkedHashMap<>();
            for (ProbeAttempt a : h.attempts()) {
                last.put(a.driver(), a.outcome());
            }
            for (Map.Entry<String, Outcome> e : last.entrySet()) {
                Key k = new Key(h.bus(), e.getKey());
                if (!ok.containsKey(k)) {
                    continue;
                }
                boolean fails = e.getValue() == Outcome.FAILED || e.getValue() == Outcome.REJECTED;
                (fails ? fail : ok).get(k).add(x);
            }
        }
        Set<String> async = asyncDrivers();
        int builtIn = 0;
        int modules = 0;
        int twins = 0;
        for (Map.Entry<Key, List<String>> e : ok.entrySet()) {
            Key k = e.getKey();
            String name = busesOfName.get(k.name) > 1 ? k.bus + ":" + k.name : k.name;
            List<String> okDevices = e.getValue();
            List<String> failDevices = fail.get(k);
            ProbeType type = async.contains(k.name) ? ProbeType.ASYNC : ProbeType.SYNC;
            List<String> group = new ArrayList<>();
            if (!okDevices.isEmpty()) {
                driverSpecs.add(new DriverSpec(name, k.bus, okDevices, type, 0, 0, 0, List.of(), false));
                realDriverOf.put(name, k.name);
                group.add(name);
            }
            if (!failDevices.isEmpty()) {
                String twin = okDevices.isEmpty() ? name : name + BootReplay.FAILS_SUFFIX;
                twins += okDevices.isEmpty() ? 0 : 1;
                driverSpecs.add(new DriverSpec(twin, k.bus, failDevices, type, 0, 0, 0, List.of(), true));
                realDriverOf.put(twin, k.name);
                group.add(twin);
            }
            timeline.nameDriver(k.bus + '\u0000' + k.name, group);
            if (timeline.isModule(k.bus + '\u0000' + k.name)) {
                modules++;
            } else {
                builtIn++;
            }
        }
        if (!gated.isEmpty()) {
            driverSpecs.add(new DriverSpec(BootReplay.AMBA_MATCH, "amba", List.copyOf(gated), ProbeType.SYNC, 0, 0, 0, List.of(),
                    false));
            timeline.nameDriver(ReplayTimeline.AMBA_KEY, List.of(BootReplay.AMBA_MATCH));
        }
        notes.add(String.format("drivers: %d, %d registered before the first module (built in) and %d by modules, "
                + "in the log's order; %d async; %d split into a twin that fails what the driver failed",
                builtIn + modules, builtIn, modules, async.stream().filter(a -> ok.keySet().stream()
                        .anyMatch(k -> k.name.equals(a))).count(), twins));
    }

    private Set<String> asyncDrivers() {
        Set<String> out = new HashSet<>();
        for (BootEvent e : log.events()) {
            if (e instanceof BootEvent.AsyncProbeScheduled s && s.driver() != null) {
                out.add(s.driver());
            } else if (e instanceof BootEvent.AsyncAttachCompleted c) {
                out.add(c.driver());
            }
        }
        return out;
    }

    /** Device specs (children inside their parents, as rule 7 writes them) and the compared devices. */
    private void buildDevices() {
        Map<String, List<String>> childrenOf = timeline.childrenOf();
        Map<String, DeviceSpec> built = new HashMap<>();
        for (String x : timeline.registrationOrder()) {
            spec(x, childrenOf, built);
        }
        for (String x : timeline.registrationOrder()) {
            specs.add(built.get(x));
        }
        for (String x : timeline.registrationOrder()) {
            DeviceHistory h = log.devices().get(x);
            String bus = h == null || h.bus().isEmpty() ? DeviceSpec.DEFAULT_BUS : h.bus();
            compared.put(x, new BootReplay.Device(x, nodeOf.get(x), bus,
                    h == null ? FinalState.NEVER_PROBED : h.finalState(), h == null ? 0 : h.attempts().size(),
                    h == null ? 0 : h.probeCalls(), h == null ? null : h.driver(), h == null ? List.of() : h.deferralReasons(),
                    matchGated(x, bus), caveats.getOrDefault(x, List.of())));
        }
        long children = childrenOf.values().stream().mapToLong(List::size).sum();
        notes.add("registration: " + (compared.size() - children) + " devices registered by steps (of_platform_"
                + "populate and others), " + children + " by their parent's probe (M16), where the log adds them");
    }

    /**
     * amba_match (drivers/amba/bus.c) reads the peripheral ID, which needs the device's clocks, unless the node
     * gives it ("arm,primecell-periphid", read by drivers/of/platform.c's of_amba_device_create): until then
     * the match defers, before any attempt.
     */
    private boolean matchGated(String x, String bus) {
        DeviceTreeNode n = root.find(nodeOf.get(x));
        return bus.equals("amba") && (n == null || !n.has("arm,primecell-periphid"));
    }

    private DeviceSpec spec(String x, Map<String, List<String>> childrenOf, Map<String, DeviceSpec> built) {
        DeviceSpec done = built.get(x);
        if (done != null) {
            return done;
        }
        List<DeviceSpec> children = new ArrayList<>();
        for (String c : childrenOf.getOrDefault(x, List.of())) {
            children.add(spec(c, childrenOf, built));
        }
        DeviceHistory h = log.devices().get(x);
        String bus = h == null || h.bus().isEmpty() ? DeviceSpec.DEFAULT_BUS : h.bus();
        List<String> compatible = new ArrayList<>(treeSpecOf.get(x).compatible());
        compatible.add(x); // drivers match the devices the log shows them attempting, by name
        DeviceSpec s = new DeviceSpec(x, bus, compatible, List.copyOf(requires.get(x)), List.of(x),
                List.copyOf(suppliers.get(x)), children);
        built.put(x, s);
        return s;
    }
}
