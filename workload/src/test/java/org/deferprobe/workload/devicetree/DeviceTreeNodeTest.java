package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public node view: the same tree the scenario loader reads, with its raw properties. */
class DeviceTreeNodeTest {
    private static DeviceTreeNode board() {
        return DeviceTreeNode.parse("b.dtb", FdtWriter.write(FdtWriter.root()
                .child(node("soc").compat("simple-bus").flag("ranges").status("disabled")
                        .child(node("clock@1000").compat("acme,ccu").cells("reg", 0x1000, 0x100).cells("#clock-cells", 1)
                                .phandle(1)))
                .child(node("serial@2000").compat("acme,uart", "ns16550a").cells("reg", 0x2000, 0x100)
                        .cells("clocks", 1, 7).cells("interrupt-parent", 2).cells("mask", 0xff, 1).prop("odd", new byte[] {1, 2, 3, 4, 5}))
                .child(node("intc@3000").compat("acme,intc").flag("interrupt-controller").cells("#interrupt-cells", 1)
                        .phandle(2))));
    }

    @Test
    void namesPathsAndTheTree() {
        DeviceTreeNode root = board();
        assertEquals("", root.name());
        assertEquals("/", root.path());
        assertNull(root.parent());
        assertEquals(List.of("/soc", "/serial@2000", "/intc@3000"), root.children().stream().map(DeviceTreeNode::path).toList());
        DeviceTreeNode clock = root.find("/soc/clock@1000");
        assertEquals("clock@1000", clock.name());
        assertEquals("clock", clock.baseName());
        assertEquals("/soc", clock.parent().path());
        assertNull(root.find("/nope"));
        assertEquals(List.of("/", "/soc", "/soc/clock@1000", "/serial@2000", "/intc@3000"),
                root.subtree().stream().map(DeviceTreeNode::path).toList());
        assertThrows(UnsupportedOperationException.class, () -> root.children().clear());
    }

    @Test
    void propertiesAreCopiesInCellsAndStrings() {
        DeviceTreeNode serial = board().find("/serial@2000");
        assertEquals(List.of("compatible", "reg", "clocks", "interrupt-parent", "mask", "odd"), serial.propertyNames());
        assertEquals(List.of("acme,uart", "ns16550a"), serial.strings("compatible"));
        assertArrayEquals(new long[] {0x2000, 0x100}, serial.cells("reg"));
        assertArrayEquals(new long[] {0x01020304L}, serial.cells("odd"), "a trailing partial cell is ignored");
        assertNull(serial.cells("absent"));
        assertTrue(serial.strings("absent").isEmpty());
        byte[] v = serial.value("odd");
        Arrays.fill(v, (byte) 0);
        assertEquals(1, serial.value("odd")[0], "value() returns a copy");
        assertTrue(serial.has("mask"));
        assertFalse(serial.has("status"));
    }

    @Test
    void enabledFollowsTheStatusOfEveryAncestor() {
        DeviceTreeNode root = board();
        assertFalse(root.find("/soc").enabled());
        assertFalse(root.find("/soc/clock@1000").enabled(), "a disabled bus disables its children");
        assertTrue(root.find("/serial@2000").enabled());
    }

    @Test
    void referencesAreTheFwDevlinkSuppliersOfTheNodesOwnProperties() {
        DeviceTreeNode root = board();
        assertEquals(List.of("/soc/clock@1000", "/intc@3000"),
                root.find("/serial@2000").references().stream().map(DeviceTreeNode::path).toList());
        assertTrue(root.find("/intc@3000").references().isEmpty());
    }

    @Test
    void aCorruptBlobIsTheLoadersOneLineError() {
        byte[] blob = FdtWriter.write(FdtWriter.root());
        DeviceTreeException e = assertThrows(DeviceTreeException.class,
                () -> DeviceTreeNode.parse("cut.dtb", Arrays.copyOf(blob, 20)));
        assertTrue(e.getMessage().startsWith("cut.dtb: header: "), e.getMessage());
    }
}
