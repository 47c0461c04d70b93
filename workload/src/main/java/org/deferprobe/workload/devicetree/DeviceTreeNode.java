package org.deferprobe.workload.devicetree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of one node of a parsed device tree blob: its name, path, parent, children and
 * properties, for code outside this package that needs more of the tree than a scenario keeps (for example
 * the kernel's device names, which come from {@code reg}, {@code ranges} and node names).
 *
 * <p>Instances are immutable and safe to share between threads. {@link #read} validates the whole blob
 * exactly as {@link DeviceTreeScenario#load} does and throws {@link DeviceTreeException} (one line naming
 * the file) for anything truncated or corrupt. Property values are returned as copies.
 */
public final class DeviceTreeNode {
    private final Fdt fdt;
    private final Fdt.Node node;
    private final DeviceTreeNode parent;
    private final List<DeviceTreeNode> children = new ArrayList<>();
    private final Map<String, DeviceTreeNode> byPath;

    private DeviceTreeNode(Fdt fdt, Fdt.Node node, DeviceTreeNode parent, Map<String, DeviceTreeNode> byPath) {
        this.fdt = fdt;
        this.node = node;
        this.parent = parent;
        this.byPath = byPath;
    }

    /**
     * Reads and validates a blob; returns its root node.
     *
     * @throws DeviceTreeException if the file cannot be read or is not a valid blob
     */
    public static DeviceTreeNode read(Path dtb) {
        return wrap(Fdt.read(dtb));
    }

    /**
     * Parses a blob in memory; {@code file} starts every error message. Returns the root node.
     *
     * @throws DeviceTreeException if the blob is not valid
     */
    public static DeviceTreeNode parse(String file, byte[] blob) {
        return wrap(Fdt.parse(file, blob));
    }

    private static DeviceTreeNode wrap(Fdt fdt) {
        Map<String, DeviceTreeNode> byPath = new HashMap<>();
        Map<Fdt.Node, DeviceTreeNode> views = new HashMap<>();
        DeviceTreeNode root = null;
        for (Fdt.Node n : fdt.nodes) { // parents come before their children
            DeviceTreeNode p = n.parent == null ? null : views.get(n.parent);
            DeviceTreeNode v = new DeviceTreeNode(fdt, n, p, byPath);
            views.put(n, v);
            byPath.put(n.path, v);
            if (p == null) {
                root = v;
            } else {
                p.children.add(v);
            }
        }
        return root;
    }

    /** The node name with its unit address, e.g. {@code serial@1c28000}; empty for the root. */
    public String name() {
        return node.name;
    }

    /** The node name without its unit address (the kernel's {@code %pOFn}), e.g. {@code serial}. */
    public String baseName() {
        int at = node.name.indexOf('@');
        return at < 0 ? node.name : node.name.substring(0, at);
    }

    /** The full path, e.g. {@code /soc/serial@1c28000}; {@code /} for the root. */
    public String path() {
        return node.path;
    }

    /** The parent, or null for the root. */
    public DeviceTreeNode parent() {
        return parent;
    }

    /** The children in blob order, unmodifiable. */
    public List<DeviceTreeNode> children() {
        return Collections.unmodifiableList(children);
    }

    /** The node of the same tree with that full path, or null. */
    public DeviceTreeNode find(String path) {
        return byPath.get(path);
    }

    /** The names of the node's properties, in blob order, unmodifiable. */
    public List<String> propertyNames() {
        return List.copyOf(node.props.keySet());
    }

    /** Whether the property exists (with any value, possibly empty). */
    public boolean has(String property) {
        return node.has(property);
    }

    /** A copy of the property's raw value, or null when the property is absent. */
    public byte[] value(String property) {
        byte[] v = node.prop(property);
        return v == null ? null : v.clone();
    }

    /**
     * The property's value as unsigned 32-bit big-endian cells (a trailing partial cell is ignored), or null
     * when the property is absent.
     */
    public long[] cells(String property) {
        byte[] v = node.prop(property);
        if (v == null) {
            return null;
        }
        long[] out = new long[v.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = Fdt.cell(v, i);
        }
        return out;
    }

    /** The property's NUL-separated strings without empty ones; empty when the property is absent. */
    public List<String> strings(String property) {
        return node.strings(property);
    }

    /**
     * Whether the node is enabled: its own and every ancestor's {@code status} is absent, {@code "okay"} or
     * {@code "ok"} (rule 1 of docs/scenario-format.md, "Device trees").
     */
    public boolean enabled() {
        for (DeviceTreeNode n = this; n != null; n = n.parent) {
            String status = n.node.firstString("status");
            if (status != null && !status.equals("okay") && !status.equals("ok")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The nodes this node's own properties reference as suppliers, by rule 3 of docs/scenario-format.md,
     * "Device trees" (fw_devlink's property list), in property order, duplicates kept; not resolved to
     * devices (rule 4) and without the references of descendants.
     */
    public List<DeviceTreeNode> references() {
        List<DeviceTreeNode> out = new ArrayList<>();
        Suppliers.references(fdt, node, target -> out.add(byPath.get(target.path)));
        return out;
    }

    /** Every node of the subtree rooted here, parents before children, in blob order. */
    public List<DeviceTreeNode> subtree() {
        List<DeviceTreeNode> out = new ArrayList<>();
        List<DeviceTreeNode> todo = new ArrayList<>();
        todo.add(this);
        while (!todo.isEmpty()) {
            DeviceTreeNode n = todo.remove(todo.size() - 1);
            out.add(n);
            for (int i = n.children.size() - 1; i >= 0; i--) {
                todo.add(n.children.get(i));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return node.path;
    }
}
