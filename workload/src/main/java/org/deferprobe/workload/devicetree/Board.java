package org.deferprobe.workload.devicetree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.ProbeType;

/**
 * One parsed board as devices and dependencies: rules 1 and 3-5 of docs/scenario-format.md, "Device trees".
 * Immutable once built; the parsed tree is not kept.
 */
final class Board {
    /* Implementation notes
     *
     * Nodes come in structure-block order, parents before children, so availability (rule 1) and exclusion
     * are inherited in one forward pass. A device's references are collected from its own node and from the
     * descendants reached through nodes without compatible; each such node belongs to at most one device,
     * so the whole collection is linear in the tree. Rule 5 uses an iterative Tarjan (real trees have
     * thousands of devices and chains deeper than a comfortable recursion): it numbers strongly connected
     * components in the order it completes them, which is suppliers before consumers, so after dropping
     * the edges inside components every kept edge goes from a higher component number to a lower one and
     * one pass in component order computes the depth.
     */

    /** Top-level nodes whose subtrees hold no devices (rule 1). */
    static final Set<String> EXCLUDED = Set.of("cpus", "chosen", "aliases", "__symbols__", "reserved-memory");
    /**
     * of_default_bus_match_table (drivers/of/platform.c): of_platform_populate creates the devices under these
     * at boot (rule 7); any other device's subnodes are populated by its probe (M16).
     */
    static final Set<String> DEFAULT_BUSES = Set.of("simple-bus", "simple-mfd", "isa", "arm,amba-bus");

    final String file;
    /** Device nodes' paths, in tree order. */
    final List<String> paths;
    /** Each device's compatible strings. */
    final List<List<String>> compatible;
    /** Each device's kept suppliers, as device indices, in the order first referenced. */
    final int[][] suppliers;
    /** Each device's parent device whose probe registers it (rule 7), or -1 if it is populated at boot. */
    final int[] populatedBy;
    final int supplierEdges;
    final int relaxedEdges;
    final int depth;

    private Board(String file, List<String> paths, List<List<String>> compatible, int[][] found, int[] populatedBy) {
        this.file = file;
        this.paths = paths;
        this.compatible = compatible;
        this.populatedBy = populatedBy;
        // a device its parent's probe registers depends on that parent having probed: part of every cycle test
        int[][] withParents = new int[found.length][];
        for (int d = 0; d < found.length; d++) {
            withParents[d] = populatedBy[d] < 0 ? found[d] : append(found[d], populatedBy[d]);
        }
        int[] component = stronglyConnectedComponents(withParents);
        int edges = 0;
        int relaxed = 0;
        this.suppliers = new int[found.length][];
        for (int d = 0; d < found.length; d++) {
            int[] kept = new int[found[d].length];
            int k = 0;
            for (int s : found[d]) {
                edges++;
                if (component[s] == component[d]) {
                    relaxed++; // rule 5: both ends on one cycle
                } else {
                    kept[k++] = s;
                }
            }
            suppliers[d] = Arrays.copyOf(kept, k);
        }
        this.supplierEdges = edges;
        this.relaxedEdges = relaxed;
        int[][] keptWithParents = new int[found.length][];
        for (int d = 0; d < found.length; d++) {
            keptWithParents[d] = populatedBy[d] < 0 ? suppliers[d] : append(suppliers[d], populatedBy[d]);
        }
        this.depth = depth(keptWithParents, component);
    }

    private static int[] append(int[] a, int v) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    static Board of(Fdt fdt) {
        int n = fdt.nodes.size();
        boolean[] available = new boolean[n];
        boolean[] excluded = new boolean[n];
        int[] deviceOf = new int[n];
        Arrays.fill(deviceOf, -1);
        List<Fdt.Node> devices = new ArrayList<>();
        for (Fdt.Node node : fdt.nodes) {
            Fdt.Node p = node.parent;
            String status = node.firstString("status");
            boolean ok = (status == null || status.equals("okay") || status.equals("ok"))
                    && (p == null || available[p.index]);
            boolean ex = p != null && (excluded[p.index] || (p.parent == null && EXCLUDED.contains(node.name)));
            available[node.index] = ok;
            excluded[node.index] = ex;
            if (p != null && ok && !ex && node.has("compatible")) {
                deviceOf[node.index] = devices.size();
                devices.add(node);
            }
        }
        int[][] found = new int[devices.size()][];
        int[] populatedBy = new int[devices.size()];
        List<String> paths = new ArrayList<>(devices.size());
        List<List<String>> compatible = new ArrayList<>(devices.size());
        for (int d = 0; d < devices.size(); d++) {
            Fdt.Node node = devices.get(d);
            int parent = node.parent == null ? -1 : nearestDevice(node.parent, deviceOf);
            populatedBy[d] = parent >= 0 && !isDefaultBus(devices.get(parent)) ? parent : -1;
            found[d] = references(fdt, node, d, deviceOf, devices);
            paths.add(node.path);
            compatible.add(List.copyOf(node.strings("compatible")));
        }
        return new Board(fdt.file, List.copyOf(paths), List.copyOf(compatible), found, populatedBy);
    }

    /** Rule 7: of_platform_populate creates the devices under this one at boot. */
    static boolean isDefaultBus(Fdt.Node device) {
        for (String c : device.strings("compatible")) {
            if (DEFAULT_BUSES.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rules 3 and 4: the devices device {@code d} depends on, distinct; itself and its own descendants excluded (a
     * child node can't be a functional dependency for the parent node: of_link_to_phandle, drivers/of/property.c).
     */
    private static int[] references(Fdt fdt, Fdt.Node device, int d, int[] deviceOf, List<Fdt.Node> devices) {
        Set<Integer> out = new LinkedHashSet<>();
        List<Fdt.Node> todo = new ArrayList<>();
        todo.add(device);
        while (!todo.isEmpty()) {
            Fdt.Node node = todo.remove(todo.size() - 1);
            Suppliers.references(fdt, node, target -> {
                int s = nearestDevice(target, deviceOf);
                if (s >= 0 && s != d && !isAncestor(device, devices.get(s))) {
                    out.add(s);
                }
            });
            for (int i = node.children.size() - 1; i >= 0; i--) {
                Fdt.Node child = node.children.get(i);
                if (!child.has("compatible")) {
                    todo.add(child);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isAncestor(Fdt.Node ancestor, Fdt.Node node) {
        for (Fdt.Node t = node.parent; t != null; t = t.parent) {
            if (t == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** Rule 4: the nearest device among the node and its ancestors; -1 past a non-device compatible node. */
    static int nearestDevice(Fdt.Node node, int[] deviceOf) {
        for (Fdt.Node t = node; t != null; t = t.parent) {
            if (deviceOf[t.index] >= 0) {
                return deviceOf[t.index];
            }
            if (t.has("compatible")) {
                return -1;
            }
        }
        return -1;
    }

    /** Iterative Tarjan: each vertex's component number, numbered in completion order (suppliers first). */
    static int[] stronglyConnectedComponents(int[][] adj) {
        int n = adj.length;
        int[] index = new int[n];
        int[] low = new int[n];
        int[] component = new int[n];
        Arrays.fill(index, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int stackTop = 0;
        int[] callVertex = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        int components = 0;
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            int top = 0;
            callVertex[0] = root;
            callEdge[0] = 0;
            index[root] = low[root] = counter++;
            stack[stackTop++] = root;
            onStack[root] = true;
            while (top >= 0) {
                int u = callVertex[top];
                if (callEdge[top] < adj[u].length) {
                    int w = adj[u][callEdge[top]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[stackTop++] = w;
                        onStack[w] = true;
                        top++;
                        callVertex[top] = w;
                        callEdge[top] = 0;
                    } else if (onStack[w]) {
                        low[u] = Math.min(low[u], index[w]);
                    }
                    continue;
                }
                if (low[u] == index[u]) {
                    int w;
                    do {
                        w = stack[--stackTop];
                        onStack[w] = false;
                        component[w] = components;
                    } while (w != u);
                    components++;
                }
                top--;
                if (top >= 0) {
                    int caller = callVertex[top];
                    low[caller] = Math.min(low[caller], low[u]);
                }
            }
        }
        return component;
    }

    /** The longest chain of kept edges; every kept edge goes to a lower component number. */
    private static int depth(int[][] kept, int[] component) {
        int n = kept.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(component[a], component[b]));
        int[] depth = new int[n];
        int max = 0;
        for (int v : order) {
            for (int s : kept[v]) {
                depth[v] = Math.max(depth[v], depth[s] + 1);
            }
            max = Math.max(max, depth[v]);
        }
        return max;
    }

    DeviceTreeStats stats() {
        int drivers = (int) compatible.stream().filter(c -> !c.isEmpty()).map(c -> c.get(0)).distinct().count();
        return new DeviceTreeStats(file, paths.size(), drivers, supplierEdges, relaxedEdges, depth);
    }

    /**
     * Rules 6 and 7: the devices, named {@code prefix + path}, each linked to its kept suppliers (named the same way)
     * and requiring them, and providing its own name; a device its parent's probe registers is among that parent's children (and in the
     * list, which the default register-devices step then skips).
     */
    List<DeviceSpec> devices(String prefix) {
        List<String> names = new ArrayList<>(paths.size());
        for (String p : paths) {
            names.add(prefix + p);
        }
        List<List<Integer>> childrenOf = new ArrayList<>(paths.size());
        for (int d = 0; d < paths.size(); d++) {
            childrenOf.add(new ArrayList<>());
        }
        for (int d = 0; d < paths.size(); d++) {
            if (populatedBy[d] >= 0) {
                childrenOf.get(populatedBy[d]).add(d);
            }
        }
        DeviceSpec[] specs = new DeviceSpec[paths.size()];
        for (int d = paths.size() - 1; d >= 0; d--) { // children come after their parent in tree order
            List<String> sup = new ArrayList<>(suppliers[d].length);
            for (int s : suppliers[d]) {
                sup.add(names.get(s));
            }
            List<DeviceSpec> children = new ArrayList<>();
            for (int c : childrenOf.get(d)) {
                children.add(specs[c]);
            }
            // the links fw_devlink makes, and what the probe itself looks up (clk_get, regulator_get...): with
            // fw_devlink on the links defer it before its probe is called, off or permissive its probe defers
            specs[d] = new DeviceSpec(names.get(d), DeviceSpec.DEFAULT_BUS, compatible.get(d), sup,
                    List.of(names.get(d)), sup, children);
        }
        return List.of(specs);
    }

    /** Rule 2: one sync driver per distinct first compatible string not already in {@code drivers}. */
    void addDrivers(Map<String, DriverSpec> drivers, long probeMicros) {
        for (List<String> c : compatible) {
            if (!c.isEmpty() && !drivers.containsKey(c.get(0))) {
                String id = c.get(0);
                drivers.put(id, new DriverSpec(id, DeviceSpec.DEFAULT_BUS, List.of(id), ProbeType.SYNC, probeMicros,
                        0, 0, List.of(), false));
            }
        }
    }
}
