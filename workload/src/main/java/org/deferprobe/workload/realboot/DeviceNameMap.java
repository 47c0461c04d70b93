package org.deferprobe.workload.realboot;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.devicetree.DeviceTreeNode;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.DeviceAdded;
import org.deferprobe.workload.realboot.BootEvent.ProbeReturned;
import org.deferprobe.workload.realboot.BootEvent.Probing;

/**
 * The kernel's device names of a boot log mapped back to the nodes of the board's device tree.
 *
 * <p>A platform or AMBA device is found by its name, which the kernel derives from the node
 * ({@code 1c28000.serial}, {@code soc}, {@code dcc:oscclk0}: the rules are in {@link OfNames}). An i2c
 * client {@code B-AAAA} (i2c_dev_set_name: adapter number, address in 4 hex digits) is the child with
 * {@code reg} AAAA of the controller whose probe added the adapter device {@code i2c-B}, as the log shows,
 * or else of the node the {@code i2cB} alias names (i2c_add_adapter numbers adapters by alias); an spi
 * device {@code spiB.C} is the child with {@code reg} C of the controller whose probe added {@code spiB}, or
 * of the {@code spiB} alias. Everything else is reported unmapped with the reason: devices a driver
 * registers from software ({@code serial8250}, {@code alarmtimer.0.auto}), USB devices and interfaces, MDIO
 * devices, and class devices that only appear as the end of a device link ({@code regulator.0}).
 *
 * <p>Immutable and safe to share between threads once built.
 */
public final class DeviceNameMap {
    /* Implementation notes
     *
     * Names are computed for every node of the tree, not only for enabled nodes with compatible: a driver may
     * populate children of a node without compatible (mfd cells, of_platform_populate of a bus), and a status
     * the bootloader changes is not in the blob. A name computed for two nodes is resolved in favour of the
     * only enabled one with compatible; otherwise it is ambiguous and reported so.
     * The "owner" of an adapter device is the innermost probe running when core.c logged its device_add:
     * "probing driver" opens a probe, initcall_debug's "probe of DEV returned" (or the bind) closes it.
     * Asynchronous probes on other threads could interleave in principle; the captured logs do not show it
     * for adapters, and the alias is checked as a second opinion.
     */

    private static final Pattern I2C_CLIENT = Pattern.compile("^(\\d+)-([0-9a-f]{4})$");
    private static final Pattern I2C_ADAPTER = Pattern.compile("^i2c-(\\d+)$");
    private static final Pattern SPI_DEVICE = Pattern.compile("^spi(\\d+)\\.(\\d+)$");
    private static final Pattern SPI_CONTROLLER = Pattern.compile("^spi(\\d+)$");
    private static final Pattern USB = Pattern.compile("^(?:usb\\d+|\\d+-[\\d.]+(?::\\d+\\.\\d+)?)$");
    private static final Pattern SOFTWARE = Pattern.compile("^[A-Za-z][\\w-]*(?:\\.\\d+(?:\\.auto)?)?$");
    private static final Pattern ALIAS = Pattern.compile("^(?:i2c|spi)\\d+$");
    private static final Pattern MDIO = Pattern.compile("^.+:[0-9a-f]{2}$");
    /** I2C_TEN_BIT_ADDRESS and I2C_OWN_SLAVE_ADDRESS flags of an i2c child's reg (dt-bindings/i2c/i2c.h). */
    private static final long I2C_REG_FLAGS = 0xc0000000L;
    private static final long I2C_TEN_BIT = 0x80000000L;

    /** How a device name was mapped. */
    public enum How {
        /** By the platform/AMBA name of a node (of_device_make_bus_id). */
        BUS_ID,
        /** An i2c client: adapter number and address. */
        I2C,
        /** An spi device: controller number and chip select. */
        SPI,
        /**
         * Inferred from device links: a bus device with a software name (an mfd cell such as
         * {@code basic-mmio-gpio.1.auto}) whose consumers' nodes all reference one and the same node with
         * {@code compatible} that no other device of the log maps to, that has no platform device of its own
         * and that fw_devlink did not refuse ("Not linking NODE").
         */
        LINK,
        /** Not mapped; {@link Mapping#note} says why. */
        NONE
    }

    /**
     * One device name of the log and its node.
     *
     * @param device the kernel's device name
     * @param node   the node's full path, or null when unmapped
     * @param how    how it was mapped
     * @param note   for an unmapped name the reason; for a mapped one how the bus was found, or null
     */
    public record Mapping(String device, String node, How how, String note) {
        /** Whether a node was found. */
        public boolean mapped() {
            return node != null;
        }
    }

    private final Map<String, Mapping> mappings;
    private final Map<String, String> kernelNames;
    private final DeviceTreeNode root;
    /** Controller node path to its bus ("i2c-3", "spi1"), from the log or the aliases. */
    private final Map<String, String> controllers;

    private DeviceNameMap(Map<String, Mapping> mappings, Map<String, String> kernelNames, DeviceTreeNode root,
            Map<String, String> controllers) {
        this.mappings = Collections.unmodifiableMap(mappings);
        this.kernelNames = Collections.unmodifiableMap(kernelNames);
        this.root = root;
        this.controllers = Collections.unmodifiableMap(controllers);
    }

    /**
     * Reads the board's blob and maps the log's device names.
     *
     * @throws DeviceTreeException if the blob cannot be read or is not valid (one line naming the file)
     */
    public static DeviceNameMap read(Path dtb, BootLog log) {
        return of(DeviceTreeNode.read(dtb), log);
    }

    /** Maps the device names of {@code log} ({@link BootLog#devices}) to nodes of the tree rooted at {@code root}. */
    public static DeviceNameMap of(DeviceTreeNode root, BootLog log) {
        Map<String, List<DeviceTreeNode>> byName = new HashMap<>();
        for (DeviceTreeNode n : root.subtree()) {
            if (n.parent() != null) {
                byName.computeIfAbsent(OfNames.busId(n), k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, String> owners = adapterOwners(log);
        Map<String, String> aliases = aliases(root);
        Map<String, Mapping> out = new LinkedHashMap<>();
        Map<String, String> kernelNames = new LinkedHashMap<>();
        for (DeviceHistory d : log.devices().values()) {
            Mapping m = map(d, root, byName, owners, aliases, out);
            out.put(d.name(), m);
            if (m.mapped()) {
                kernelNames.putIfAbsent(m.node(), d.name());
            }
        }
        inferFromLinks(log, root, out, kernelNames);
        Map<String, String> controllers = new HashMap<>();
        aliases.forEach((alias, path) -> controllers.put(path, alias.startsWith("i2c") ? "i2c-" + alias.substring(3) : alias));
        owners.forEach((bus, owner) -> {
            Mapping m = out.get(owner);
            if (m != null && m.mapped()) {
                controllers.put(m.node(), bus);
            }
        });
        return new DeviceNameMap(out, kernelNames, root, controllers);
    }

    private static Mapping map(DeviceHistory d, DeviceTreeNode root, Map<String, List<DeviceTreeNode>> byName,
            Map<String, String> owners, Map<String, String> aliases, Map<String, Mapping> done) {
        String name = d.name();
        List<DeviceTreeNode> nodes = byName.getOrDefault(name, List.of());
        if (!nodes.isEmpty()) {
            DeviceTreeNode pick = pick(nodes);
            if (pick == null) {
                return new Mapping(name, null, How.NONE, nodes.size() + " nodes have this name: "
                        + nodes.stream().map(DeviceTreeNode::path).toList());
            }
            return new Mapping(name, pick.path(), How.BUS_ID, null);
        }
        Matcher m = I2C_CLIENT.matcher(name);
        if (m.matches()) {
            long addr = Long.parseLong(m.group(2), 16);
            return child(name, How.I2C, "i2c-" + m.group(1), "i2c" + m.group(1), addr, root, owners, aliases, done);
        }
        m = SPI_DEVICE.matcher(name);
        if (m.matches()) {
            return child(name, How.SPI, "spi" + m.group(1), "spi" + m.group(1), Long.parseLong(m.group(2)), root,
                    owners, aliases, done);
        }
        return new Mapping(name, null, How.NONE, unmappedReason(d));
    }

    /**
     * fw_devlink links a consumer to the device whose node its properties reference, so a supplier that has no
     * node by name is the node every consumer references, when there is exactly one candidate: a node with
     * compatible, not mapped to another device, without a platform device of its own in the log, and not one
     * fw_devlink refused to link to ("Not linking NODE - might never become dev": an interrupt controller
     * initialized without a device, say). Only bus devices (probed, matched) are inferred: a class device at
     * the end of a link (regulator.0) has the node of its provider, which is somebody else's.
     */
    private static void inferFromLinks(BootLog log, DeviceTreeNode root, Map<String, Mapping> out,
            Map<String, String> kernelNames) {
        Map<String, List<String>> consumersOf = new LinkedHashMap<>();
        Set<String> refused = new HashSet<>();
        for (BootEvent e : log.events()) {
            if (e instanceof BootEvent.Linked l) {
                consumersOf.computeIfAbsent(l.supplier(), k -> new ArrayList<>()).add(l.consumer());
            } else if (e instanceof BootEvent.NotLinking n) {
                refused.add(n.supplierPath());
            }
        }
        for (Map.Entry<String, List<String>> e : consumersOf.entrySet()) {
            Mapping m = out.get(e.getKey());
            DeviceHistory h = log.devices().get(e.getKey());
            if (m == null || m.mapped() || h == null || h.bus().isEmpty() || USB.matcher(e.getKey()).matches()) {
                continue;
            }
            Set<String> common = null;
            for (String consumer : e.getValue()) {
                Mapping c = out.get(consumer);
                if (c == null || !c.mapped()) {
                    continue;
                }
                Set<String> candidates = new LinkedHashSet<>();
                for (DeviceTreeNode ref : referencedFrom(root.find(c.node()))) {
                    for (DeviceTreeNode n = ref; n != null && n.parent() != null; n = n.parent()) {
                        if (n.has("compatible") && !kernelNames.containsKey(n.path()) && !refused.contains(n.path())
                                && !log.added().contains(OfNames.busId(n))) {
                            candidates.add(n.path());
                        }
                    }
                }
                if (common == null) {
                    common = candidates;
                } else {
                    common.retainAll(candidates);
                }
            }
            if (common != null && common.size() == 1) {
                String node = common.iterator().next();
                out.put(e.getKey(), new Mapping(e.getKey(), node, How.LINK, "the only unmapped node with compatible "
                        + "that its " + e.getValue().size() + " consumer link(s) reference (" + m.note() + ")"));
                kernelNames.putIfAbsent(node, e.getKey());
            }
        }
    }

    /** Rule 3: the nodes a device node and its descendants reached without passing a compatible node reference. */
    private static List<DeviceTreeNode> referencedFrom(DeviceTreeNode device) {
        List<DeviceTreeNode> out = new ArrayList<>();
        Deque<DeviceTreeNode> todo = new ArrayDeque<>();
        todo.push(device);
        while (!todo.isEmpty()) {
            DeviceTreeNode n = todo.pop();
            out.addAll(n.references());
            for (DeviceTreeNode child : n.children()) {
                if (!child.has("compatible")) {
                    todo.push(child);
                }
            }
        }
        return out;
    }

    /** Of several nodes with one name, the only enabled one with compatible, or null. */
    private static DeviceTreeNode pick(List<DeviceTreeNode> nodes) {
        if (nodes.size() == 1) {
            return nodes.get(0);
        }
        List<DeviceTreeNode> devices = nodes.stream().filter(n -> n.has("compatible") && n.enabled()).toList();
        return devices.size() == 1 ? devices.get(0) : null;
    }

    /** The child at {@code reg} of the controller that registered {@code adapter} (by the log, else by alias). */
    private static Mapping child(String name, How how, String adapter, String alias, long reg, DeviceTreeNode root,
            Map<String, String> owners, Map<String, String> aliases, Map<String, Mapping> done) {
        DeviceTreeNode controller = null;
        String via;
        String owner = owners.get(adapter);
        Mapping ownerMapping = owner == null ? null : done.get(owner);
        if (ownerMapping != null && ownerMapping.mapped()) {
            controller = root.find(ownerMapping.node());
            via = adapter + " added by the probe of " + owner;
        } else if (aliases.containsKey(alias) && root.find(aliases.get(alias)) != null) {
            controller = root.find(aliases.get(alias));
            via = adapter + " numbered by the alias " + alias;
        } else {
            return new Mapping(name, null, How.NONE, "the log does not say which controller added " + adapter
                    + " and the tree has no alias " + alias);
        }
        if (owner != null && aliases.containsKey(alias) && !aliases.get(alias).equals(controller.path())) {
            via += " (the alias " + alias + " names " + aliases.get(alias) + ")";
        }
        for (DeviceTreeNode c : controller.children()) {
            long[] r = c.cells("reg");
            if (r != null && r.length > 0 && (how == How.I2C ? i2cAddress(r[0]) : r[0]) == reg) {
                return new Mapping(name, c.path(), how, via);
            }
        }
        return new Mapping(name, null, How.NONE, "no child of " + controller.path() + " has reg 0x"
                + Long.toHexString(how == How.I2C && reg >= 0xa000 ? (reg & 0x3ff) | I2C_TEN_BIT : reg) + " (" + via + ")");
    }

    /**
     * The address in an i2c client's name (i2c_dev_set_name: {@code %d-%04x}) of a child's {@code reg}: a 10-bit
     * address (I2C_TEN_BIT_ADDRESS in the reg) is printed with 0xa000 added, the own-slave flag is dropped.
     */
    static long i2cAddress(long reg) {
        return (reg & I2C_TEN_BIT) != 0 ? (reg & 0x3ff) | 0xa000 : reg & ~I2C_REG_FLAGS;
    }

    private static String unmappedReason(DeviceHistory d) {
        String name = d.name();
        if (USB.matcher(name).matches()) {
            return "a USB device or interface, enumerated on the bus: no node";
        }
        if (d.bus().isEmpty() && d.attempts().isEmpty() && d.matchDeferrals() == 0) {
            return "only the end of a device link (a class device such as a regulator or phy): not probed";
        }
        if (MDIO.matcher(name).matches()) {
            return "an MDIO device (bus id:address): no node by name";
        }
        if (SOFTWARE.matcher(name).matches()) {
            return "registered by a driver or the core from software (platform_device_register*), not "
                    + "populated from a node";
        }
        return "no node of the tree has this name";
    }

    /** Adapter and controller devices (i2c-N, spiN) and the device whose probe was running when each was added. */
    private static Map<String, String> adapterOwners(BootLog log) {
        Map<String, String> owners = new HashMap<>();
        Deque<String> probing = new ArrayDeque<>();
        for (BootEvent e : log.events()) {
            if (e instanceof Probing p) {
                probing.push(p.device());
            } else if (e instanceof ProbeReturned r) {
                probing.remove(r.device());
            } else if (e instanceof Bound b) {
                probing.remove(b.device());
            } else if (e instanceof DeviceAdded a && !probing.isEmpty()
                    && (I2C_ADAPTER.matcher(a.device()).matches() || SPI_CONTROLLER.matcher(a.device()).matches())) {
                owners.putIfAbsent(a.device(), probing.peek());
            }
        }
        return owners;
    }

    /** The /aliases node's properties: alias name to path. */
    private static Map<String, String> aliases(DeviceTreeNode root) {
        Map<String, String> out = new HashMap<>();
        DeviceTreeNode aliases = root.find("/aliases");
        if (aliases != null) {
            for (String alias : aliases.propertyNames()) {
                List<String> v = aliases.strings(alias);
                if (ALIAS.matcher(alias).matches() && !v.isEmpty()) {
                    out.put(alias, v.get(0));
                }
            }
        }
        return out;
    }

    /** Every device name of the log with its mapping, in the log's order. */
    public Map<String, Mapping> mappings() {
        return mappings;
    }

    /** The node of a device name, if the log names that device and it maps. */
    public Optional<String> node(String device) {
        Mapping m = mappings.get(device);
        return m == null || !m.mapped() ? Optional.empty() : Optional.of(m.node());
    }

    /** The kernel's name of a node (its full path), if some device of the log maps to it. */
    public Optional<String> kernelName(String nodePath) {
        return Optional.ofNullable(kernelNames.get(nodePath));
    }

    /**
     * The name the kernel gives the device of the node at {@code nodePath}, whether or not the log names it:
     * the name a log device maps by; else, for a child with {@code reg} of an i2c or spi controller whose bus
     * number the log or an alias gives, {@code B-AAAA} or {@code spiB.C}; else the platform (or AMBA) name of
     * of_device_make_bus_id. Empty for the root or an unknown path.
     */
    public Optional<String> expectedName(String nodePath) {
        DeviceTreeNode n = root.find(nodePath);
        if (n == null || n.parent() == null) {
            return Optional.empty();
        }
        String mapped = kernelNames.get(nodePath);
        if (mapped != null) {
            return Optional.of(mapped);
        }
        String bus = controllers.get(n.parent().path());
        long[] reg = n.cells("reg");
        if (bus != null && reg != null && reg.length > 0) {
            long r = reg[0];
            if (bus.startsWith("i2c-")) {
                return Optional.of(bus.substring(4) + "-" + String.format("%04x", i2cAddress(r)));
            }
            return Optional.of(bus + "." + r);
        }
        return Optional.of(OfNames.busId(n));
    }

    /** How many of the log's device names map to a node. */
    public int mappedCount() {
        return (int) mappings.values().stream().filter(Mapping::mapped).count();
    }
}
