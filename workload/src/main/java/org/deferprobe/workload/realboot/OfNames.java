package org.deferprobe.workload.realboot;

import org.deferprobe.workload.devicetree.DeviceTreeNode;

/**
 * The name the kernel gives the platform or AMBA device of a device-tree node, and the CPU address of a
 * node's {@code reg}, computed as Linux 6.1 does.
 *
 * <p>Followed from our reading of v6.1 (not from source in this repository; the captured logs confirm the
 * names of every device they share with their DTBs, see DeviceNameMapTest):
 * <ul>
 * <li>drivers/of/platform.c, {@code of_device_make_bus_id}: walk from the node towards the root; at the
 *     first node whose {@code reg} translates to a CPU address, the name is {@code ADDR.NAME} (or
 *     {@code ADDR.BIT.NAME} when that node has a {@code mask} property, BIT = ffs(mask) - 1), in lower-case
 *     hex without leading zeros, NAME the node name without unit address ({@code %pOFn}), followed by
 *     {@code :} and the names collected so far; every node passed without a translatable {@code reg}
 *     prepends its full node name with unit address ({@code kbasename(full_name)}) and a colon. A node
 *     with no translatable {@code reg} up to the root is the chain alone, e.g.
 *     {@code bus@8000000:motherboard-bus@8000000:iofpga-bus@300000000:mcc:oscclk1}.
 *     of_amba_device_create names AMBA devices the same way.</li>
 * <li>drivers/of/address.c, {@code __of_translate_address} with the default bus ({@code of_bus_default_*}):
 *     the cell counts of a node come from {@code #address-cells} / {@code #size-cells} of its parent, or the
 *     nearest ancestor that has them (of_n_addr_cells), defaulting to 1 and 1; they must be 1-4 address cells
 *     and more than 0 size cells (OF_CHECK_COUNTS), which is why an i2c or spi child (size cells 0) has no
 *     CPU address. Going up one level, the bus node's {@code ranges} maps the address: absent means no
 *     translation; empty means 1:1; otherwise the first entry (child address, parent address, size) whose
 *     window holds the address wins (of_bus_default_map) and the offset is added to its parent address.
 *     Addresses are 64-bit, as of_read_number keeps the low 64 bits of longer numbers.</li>
 * </ul>
 * Where this stops: PCI ({@code device_type} "pci", "pciex", "vci", "ht") and ISA (a node named "isa") buses
 * have their own address maps in the kernel; a node under one is reported untranslatable here, and so named
 * by the chain, where the kernel would translate it. {@code dma-ranges} and the 6.5 "default-flags" bus are
 * not involved in names.
 */
final class OfNames {
    /** No CPU address (the kernel's OF_BAD_ADDR). */
    static final long BAD = -1L;
    /** The kernel's OF_MAX_ADDR_CELLS. */
    private static final int MAX_ADDR_CELLS = 4;

    private OfNames() {
    }

    /** The platform (or AMBA) device name of {@code node}, as of_device_make_bus_id sets it. */
    static String busId(DeviceTreeNode node) {
        String name = null;
        for (DeviceTreeNode n = node; n.parent() != null; n = n.parent()) {
            if (n.has("reg")) {
                long addr = translate(n);
                if (addr != BAD) {
                    long[] mask = n.cells("mask");
                    String base = Long.toHexString(addr)
                            + (mask != null && mask.length > 0 ? "." + Integer.toHexString(ffs(mask[0]) - 1) : "")
                            + "." + ofn(n);
                    return name == null ? base : base + ":" + name;
                }
            }
            name = name == null ? n.name() : n.name() + ":" + name;
        }
        return name;
    }

    /** {@code %pOFn}: the node's {@code name} property if it has one (old trees), else its name up to '@'. */
    static String ofn(DeviceTreeNode n) {
        var names = n.strings("name");
        return names.isEmpty() ? n.baseName() : names.get(0);
    }

    /** ffs(): the 1-based index of the lowest set bit, 0 for 0. */
    private static int ffs(long v) {
        int x = (int) v;
        return x == 0 ? 0 : Integer.numberOfTrailingZeros(x) + 1;
    }

    /** The CPU address of the node's first {@code reg} entry (of_translate_address), or {@link #BAD}. */
    static long translate(DeviceTreeNode node) {
        long[] reg = node.cells("reg");
        DeviceTreeNode bus = node.parent();
        if (reg == null || bus == null || unsupportedBus(bus)) {
            return BAD;
        }
        int na = addressCells(node);
        int ns = sizeCells(node);
        if (!checkCounts(na, ns) || reg.length < na) {
            return BAD;
        }
        long addr = read(reg, 0, na);
        while (true) {
            DeviceTreeNode parent = bus.parent();
            if (parent == null) {
                return addr; // bus is the root: a CPU address
            }
            if (unsupportedBus(parent)) {
                return BAD;
            }
            int pna = addressCells(bus);
            int pns = sizeCells(bus);
            if (!checkCounts(pna, pns)) {
                return BAD;
            }
            long[] ranges = bus.cells("ranges");
            if (ranges == null) {
                return BAD; // "no ranges; cannot translate"
            }
            if (ranges.length > 0) {
                int one = na + pna + ns;
                long mapped = BAD;
                for (int i = 0; i + one <= ranges.length; i += one) {
                    long cp = read(ranges, i, na);
                    long size = read(ranges, i + na + pna, ns);
                    if (Long.compareUnsigned(addr, cp) >= 0 && Long.compareUnsigned(addr, cp + size) < 0) {
                        mapped = read(ranges, i + na, pna) + (addr - cp);
                        break;
                    }
                }
                if (mapped == BAD) {
                    return BAD; // "not found !"
                }
                addr = mapped;
            }
            // empty ranges: 1:1
            na = pna;
            ns = pns;
            bus = parent;
        }
    }

    /** PCI and ISA buses translate differently in the kernel; this does not follow them. */
    private static boolean unsupportedBus(DeviceTreeNode bus) {
        for (String type : bus.strings("device_type")) {
            if (type.equals("pci") || type.equals("pciex") || type.equals("vci") || type.equals("ht")) {
                return true;
            }
        }
        return bus.baseName().equals("isa");
    }

    private static boolean checkCounts(int na, int ns) {
        return na > 0 && na <= MAX_ADDR_CELLS && ns > 0;
    }

    /** of_n_addr_cells: {@code #address-cells} of the parent or the nearest ancestor that has it, else 1. */
    static int addressCells(DeviceTreeNode node) {
        return inherited(node, "#address-cells");
    }

    /** of_n_size_cells: the same for {@code #size-cells}. */
    static int sizeCells(DeviceTreeNode node) {
        return inherited(node, "#size-cells");
    }

    private static int inherited(DeviceTreeNode node, String property) {
        DeviceTreeNode n = node;
        do {
            if (n.parent() != null) {
                n = n.parent();
            }
            long[] v = n.cells(property);
            if (v != null && v.length > 0) {
                return v[0] > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v[0];
            }
        } while (n.parent() != null);
        return 1; // OF_ROOT_NODE_ADDR_CELLS_DEFAULT, OF_ROOT_NODE_SIZE_CELLS_DEFAULT
    }

    /** of_read_number: {@code count} cells from {@code at} as one number, keeping the low 64 bits. */
    private static long read(long[] cells, int at, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            v = (v << 32) | cells[at + i];
        }
        return v;
    }
}
