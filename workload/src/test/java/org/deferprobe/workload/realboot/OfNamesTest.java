package org.deferprobe.workload.realboot;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deferprobe.workload.devicetree.DeviceTreeNode;
import org.deferprobe.workload.devicetree.FdtWriter;
import org.junit.jupiter.api.Test;

/**
 * The kernel's platform device names (of_device_make_bus_id) and CPU addresses (of_translate_address) of
 * hand-made trees: each case is one rule of {@link OfNames}, with the name Linux 6.1 gives.
 */
class OfNamesTest {
    private static DeviceTreeNode tree(FdtWriter.N root) {
        return DeviceTreeNode.parse("t.dtb", FdtWriter.write(root));
    }

    private static String name(DeviceTreeNode root, String path) {
        return OfNames.busId(root.find(path));
    }

    @Test
    void aNodeUnderTheRootIsNamedByItsRegAndItsNameWithoutUnitAddress() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("serial@1c28000").compat("snps,dw-apb-uart")
                .cells("reg", 0x1c28000, 0x400)));
        assertEquals("1c28000.serial", name(t, "/serial@1c28000"));
    }

    @Test
    void aSimpleBusWithEmptyRangesTranslatesOneToOne() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("soc").compat("simple-bus").flag("ranges")
                .cells("#address-cells", 1).cells("#size-cells", 1)
                .child(node("clock@1c20000").compat("allwinner,sun8i-h3-ccu").cells("reg", 0x1c20000, 0x400))));
        assertEquals("1c20000.clock", name(t, "/soc/clock@1c20000"));
        assertEquals("soc", name(t, "/soc"), "a bus without reg is named by its node name");
    }

    @Test
    void rangesMapAChildWindowToTheParentAndNestedRangesCompose() {
        // vexpress: motherboard-bus (2 address cells: chip select, offset) inside bus@8000000, iofpga inside it
        DeviceTreeNode t = tree(FdtWriter.root().cells("#address-cells", 2).cells("#size-cells", 2)
                .child(node("bus@8000000").compat("simple-bus").cells("#address-cells", 2).cells("#size-cells", 1)
                        .cells("ranges", 0, 0, 0, 0x08000000, 0x04000000, 2, 0, 0, 0x18000000, 0x04000000,
                                3, 0, 0, 0x1c000000, 0x04000000)
                        .child(node("motherboard-bus@8000000").compat("simple-bus").cells("#address-cells", 2)
                                .cells("#size-cells", 1)
                                .cells("ranges", 0, 0, 0, 0, 0x04000000, 2, 0, 2, 0, 0x04000000, 3, 0, 3, 0, 0x04000000)
                                .child(node("iofpga-bus@300000000").compat("simple-bus").cells("#address-cells", 1)
                                        .cells("#size-cells", 1).cells("ranges", 0, 3, 0, 0x200000)
                                        .child(node("serial@90000").compat("arm,pl011").cells("reg", 0x90000, 0x1000))
                                        .child(node("mcc").compat("arm,vexpress,config-bus")
                                                .child(node("oscclk1").compat("arm,vexpress-osc"))))
                                .child(node("ethernet@202000000").compat("smsc,lan9118").cells("reg", 2, 0x02000000, 0x10000)))));
        String iofpga = "/bus@8000000/motherboard-bus@8000000/iofpga-bus@300000000";
        assertEquals("1c090000.serial", name(t, iofpga + "/serial@90000"), "iofpga 0x90000 is cs 3 offset 0x90000, and cs 3 is at 0x1c000000");
        assertEquals("1a000000.ethernet", name(t, "/bus@8000000/motherboard-bus@8000000/ethernet@202000000"),
                "cs 2 offset 0x2000000, and cs 2 is at 0x18000000");
        assertEquals("bus@8000000:motherboard-bus@8000000:iofpga-bus@300000000:mcc:oscclk1",
                name(t, iofpga + "/mcc/oscclk1"), "no reg anywhere up: the chain of full node names");
        assertEquals("bus@8000000", name(t, "/bus@8000000"));
    }

    @Test
    void anAddressOutsideEveryRangeDoesNotTranslate() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("bus@0").compat("simple-bus").cells("#address-cells", 1)
                .cells("#size-cells", 1).cells("ranges", 0, 0x40000000, 0x1000)
                .child(node("dev@2000").compat("x,y").cells("reg", 0x2000, 0x10))
                .child(node("dev@800").compat("x,y").cells("reg", 0x800, 0x10))));
        assertEquals(OfNames.BAD, OfNames.translate(t.find("/bus@0/dev@2000")));
        assertEquals("bus@0:dev@2000", name(t, "/bus@0/dev@2000"));
        assertEquals("40000800.dev", name(t, "/bus@0/dev@800"));
    }

    @Test
    void aBusWithoutRangesDoesNotTranslateSoItsChildrenTakeTheirParentsName() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("i2c@1f02400").compat("allwinner,sun6i-a31-i2c")
                .cells("reg", 0x1f02400, 0x400).cells("#address-cells", 1).cells("#size-cells", 0)
                .child(node("regulator@65").compat("silergy,sy8106a").cells("reg", 0x65))
                .child(node("sub").compat("x,sub").cells("#address-cells", 1).cells("#size-cells", 1)
                        .child(node("leaf@10").compat("x,leaf").cells("reg", 0x10, 4)))));
        assertEquals("1f02400.i2c:regulator@65", name(t, "/i2c@1f02400/regulator@65"),
                "size cells 0 fail OF_CHECK_COUNTS: no address, named below the controller");
        assertEquals("1f02400.i2c:sub:leaf@10", name(t, "/i2c@1f02400/sub/leaf@10"),
                "sub has no ranges: leaf@10 cannot translate");
    }

    @Test
    void zeroSizeCellsFailTheCountCheckEvenWithEmptyRanges() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("cpus").cells("#address-cells", 1).cells("#size-cells", 0)
                .flag("ranges").child(node("cpu@1").compat("arm,cortex-a7").cells("reg", 1))));
        assertEquals(OfNames.BAD, OfNames.translate(t.find("/cpus/cpu@1")));
        assertEquals("cpus:cpu@1", name(t, "/cpus/cpu@1"));
    }

    @Test
    void cellCountsAreInheritedFromTheNearestAncestorAndDefaultToOne() {
        DeviceTreeNode t = tree(FdtWriter.node("").compat("acme,board")
                .child(node("a").compat("simple-bus").flag("ranges")
                        .child(node("dev@100").compat("x,y").cells("reg", 0x100, 0x10))));
        assertEquals(1, OfNames.addressCells(t.find("/a/dev@100")));
        assertEquals("100.dev", name(t, "/a/dev@100"));
    }

    @Test
    void aMaskPropertyAddsTheIndexOfItsLowestSetBit() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("ctrl@4a002000").compat("ti,x")
                .cells("reg", 0x4a002000, 4).cells("mask", 0x30)));
        assertEquals("4a002000.4.ctrl", name(t, "/ctrl@4a002000"));
    }

    @Test
    void aNamePropertyOverridesTheNodeName() {
        DeviceTreeNode t = tree(FdtWriter.root().child(node("uart@1000").compat("x,y").str("name", "serial")
                .cells("reg", 0x1000, 4)));
        assertEquals("1000.serial", name(t, "/uart@1000"));
    }

    @Test
    void aBusWithTooManyAddressCellsOrAPciBusIsNotTranslated() {
        DeviceTreeNode t = tree(FdtWriter.root()
                .child(node("wide").compat("simple-bus").cells("#address-cells", 5).cells("#size-cells", 1)
                        .flag("ranges").child(node("dev@1").compat("x,y").cells("reg", 0, 0, 0, 0, 1, 4)))
                .child(node("pcie@10000000").compat("pci-host-ecam-generic").str("device_type", "pci")
                        .cells("reg", 0x10000000, 0x1000).cells("#address-cells", 3).cells("#size-cells", 2)
                        .flag("ranges").child(node("dev@0").compat("x,y").cells("reg", 0, 0, 0, 0, 0))));
        assertEquals("wide:dev@1", name(t, "/wide/dev@1"), "more than 4 address cells: OF_CHECK_ADDR_COUNT fails");
        assertEquals("10000000.pcie:dev@0", name(t, "/pcie@10000000/dev@0"),
                "PCI addresses are not followed here (the kernel's of_bus_pci)");
    }

    @Test
    void addressesUseTheLow64BitsAsOfReadNumberDoes() {
        DeviceTreeNode t = tree(FdtWriter.root().cells("#address-cells", 3).cells("#size-cells", 1)
                .child(node("dev@1").compat("x,y").cells("reg", 0x1, 0x2, 0x3, 0x10)));
        assertEquals("200000003.dev", name(t, "/dev@1"));
    }
}
