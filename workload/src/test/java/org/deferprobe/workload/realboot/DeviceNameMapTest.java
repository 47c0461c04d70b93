package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.devicetree.DeviceTreeNode;
import org.deferprobe.workload.devicetree.FdtWriter;
import org.deferprobe.workload.realboot.DeviceNameMap.How;
import org.deferprobe.workload.realboot.DeviceNameMap.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel's device names of the captured logs mapped to the nodes of the checked-in blobs, checked three
 * ways: known pairs; every unmapped name has a reason that is not "no node has this name"; and the device
 * links the kernel logs between mapped devices agree with the fwnode links it logs between node names, which
 * the kernel prints from the tree itself (fw_devlink creates a device link from a fwnode link of the
 * consumer's node, or of a descendant it stands for, to the supplier's node or a descendant of it).
 */
class DeviceNameMapTest {
    static List<String> boards() {
        return Captured.BOARDS;
    }

    private static DeviceNameMap booted(String board) {
        return DeviceNameMap.read(Captured.bootedDtb(board), BootLog.read(Captured.log(board)));
    }

    @ParameterizedTest
    @MethodSource("boards")
    void everyUnmappedNameHasAReasonAndNoNodeIsMappedTwice(String board) {
        DeviceNameMap names = booted(board);
        Map<String, String> byNode = new HashMap<>();
        for (Mapping m : names.mappings().values()) {
            if (m.mapped()) {
                String other = byNode.put(m.node(), m.device());
                assertEquals(null, other, board + ": " + m.node() + " has two device names");
                assertEquals(Optional.of(m.device()), names.kernelName(m.node()));
            } else {
                assertFalse(m.note().startsWith("no node of the tree"), board + ": " + m);
                assertEquals(How.NONE, m.how());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("boards")
    void deviceLinksBetweenMappedDevicesAgreeWithTheKernelsFwnodeLinks(String board) {
        BootLog log = BootLog.read(Captured.log(board));
        DeviceTreeNode root = DeviceTreeNode.read(Captured.bootedDtb(board));
        DeviceNameMap names = DeviceNameMap.of(root, log);
        Set<String> fwnodeLinks = new HashSet<>();
        for (BootEvent e : log.events()) {
            if (e instanceof BootEvent.FwnodeLinked f) {
                fwnodeLinks.add(f.consumerNode() + " -> " + f.supplierNode());
            }
        }
        int links = 0;
        int agreeing = 0;
        for (BootEvent e : log.events()) {
            if (e instanceof BootEvent.Linked l && names.node(l.consumer()).isPresent() && names.node(l.supplier()).isPresent()) {
                links++;
                boolean found = false;
                for (DeviceTreeNode c : root.find(names.node(l.consumer()).get()).subtree()) {
                    for (DeviceTreeNode s : root.find(names.node(l.supplier()).get()).subtree()) {
                        found |= fwnodeLinks.contains(c.name() + " -> " + s.name());
                    }
                }
                agreeing += found ? 1 : 0;
            }
        }
        assertTrue(links >= 20, board + ": " + links + " links between mapped devices");
        assertTrue(agreeing * 10 >= links * 9, board + ": only " + agreeing + " of " + links
                + " device links have the fwnode link of their mapped nodes");
    }

    @Test
    void orangePiPc() {
        DeviceNameMap names = booted("orangepi-pc");
        assertEquals(Optional.of("/soc/serial@1c28000"), names.node("1c28000.serial"));
        assertEquals(Optional.of("/soc/system-control@1c00000/sram@1d00000"), names.node("1d00000.sram"));
        assertEquals(Optional.of("/usb0-vbus"), names.node("usb0-vbus"));
        assertEquals(Optional.of("/soc"), names.node("soc"));
        Mapping pmic = names.mappings().get("0-0065");
        assertEquals(new Mapping("0-0065", "/soc/i2c@1f02400/regulator@65", How.I2C, "i2c-0 added by the probe of 1f02400.i2c"),
                pmic);
        assertEquals(How.NONE, names.mappings().get("usb1").how());
        assertTrue(names.mappings().get("cpufreq-dt").note().startsWith("registered by a driver"));
        assertTrue(names.mappings().get("regulator.0").note().startsWith("only the end of a device link"));
        assertEquals(Optional.of("1c28000.serial"), names.expectedName("/soc/serial@1c28000"));
        assertEquals(Optional.of("0-0065"), names.expectedName("/soc/i2c@1f02400/regulator@65"));
        assertEquals(Optional.of("1c81000.interrupt-controller"), names.expectedName("/soc/interrupt-controller@1c81000"),
                "a node the log never names gets its platform name");
        assertEquals(Optional.empty(), names.expectedName("/"));
        assertEquals(Optional.empty(), names.expectedName("/no/such/node"));
    }

    @Test
    void vexpressA15ChainsTranslationsAndInfersMfdCellsFromLinks() {
        DeviceNameMap names = booted("vexpress-a15");
        String iofpga = "/bus@8000000/motherboard-bus@8000000/iofpga-bus@300000000";
        assertEquals(Optional.of(iofpga + "/serial@90000"), names.node("1c090000.serial"));
        assertEquals(Optional.of("/bus@8000000/motherboard-bus@8000000/ethernet@202000000"), names.node("1a000000.ethernet"));
        assertEquals(Optional.of(iofpga + "/mcc/oscclk1"),
                names.node("bus@8000000:motherboard-bus@8000000:iofpga-bus@300000000:mcc:oscclk1"));
        assertEquals(Optional.of("/dcc/oscclk0"), names.node("dcc:oscclk0"));
        assertEquals(Optional.of(iofpga + "/i2c@160000/dvi-transmitter@39"), names.node("0-0039"));
        Mapping cell = names.mappings().get("basic-mmio-gpio.1.auto");
        assertEquals(How.LINK, cell.how(), cell.toString());
        assertEquals(iofpga + "/sysreg@10000/gpio@48", cell.node(), "sys_mci, the second cell of vexpress-sysreg");
        assertEquals(How.NONE, names.mappings().get("1a000000.ethernet-ffffffff:01").how());
        assertEquals(Optional.of("/virtio_mmio@1c130000"), names.node("1c130000.virtio_mmio"), "a node QEMU adds");
        assertEquals(Optional.of("1-0060"), names.expectedName(iofpga + "/i2c@30000/pcie-switch@60"),
                "i2c-1 by the log, though no driver probed the client");
    }

    @Test
    void thePackagesBlobLacksTheNodesQemuAdds() {
        DeviceNameMap names = DeviceNameMap.read(Captured.dtb("vexpress-a15"), BootLog.read(Captured.log("vexpress-a15")));
        List<String> noNode = names.mappings().values().stream().filter(m -> !m.mapped())
                .filter(m -> m.note().startsWith("no node of the tree")).map(Mapping::device).toList();
        assertEquals(List.of("1c130000.virtio_mmio", "1c130200.virtio_mmio", "1c130400.virtio_mmio", "1c130600.virtio_mmio"),
                noNode);
        assertEquals(booted("vexpress-a15").mappedCount() - 4, names.mappedCount());
    }

    @Test
    void raspi2bTranslatesTheBusAddressesOfItsRanges() {
        DeviceNameMap names = booted("raspi2b");
        assertEquals(Optional.of("/soc/serial@7e201000"), names.node("3f201000.serial"), "0x7e201000 on the VC bus is 0x3f201000");
        assertEquals(Optional.of("/soc/firmware"), names.node("soc:firmware"));
    }

    @Test
    void anAdapterNumberFallsBackToTheAliasAndAMissingChildIsSaid() {
        DeviceTreeNode root = DeviceTreeNode.parse("a.dtb", FdtWriter.write(FdtWriter.root()
                .child(FdtWriter.node("aliases").str("i2c3", "/i2c@1000").str("spi1", "/spi@2000"))
                .child(FdtWriter.node("i2c@1000").compat("x,i2c").cells("reg", 0x1000, 0x100).cells("#address-cells", 1)
                        .cells("#size-cells", 0).child(FdtWriter.node("eeprom@50").compat("atmel,24c02").cells("reg", 0x50))
                        .child(FdtWriter.node("sensor@80000050").compat("x,ten").cells("reg", 0x80000050L)))
                .child(FdtWriter.node("spi@2000").compat("x,spi").cells("reg", 0x2000, 0x100).cells("#address-cells", 1)
                        .cells("#size-cells", 0).child(FdtWriter.node("flash@1").compat("jedec,spi-nor").cells("reg", 1)))));
        String log = String.join("\n",
                "bus: 'i2c': __driver_probe_device: matched device 3-0050 with driver at24",
                "bus: 'i2c': __driver_probe_device: matched device 3-0051 with driver at24",
                "bus: 'i2c': __driver_probe_device: matched device 4-0050 with driver at24",
                "bus: 'i2c': __driver_probe_device: matched device 3-a050 with driver ten",
                "bus: 'i2c': __driver_probe_device: matched device 3-a051 with driver ten",
                "bus: 'spi': __driver_probe_device: matched device spi1.1 with driver spi-nor", "");
        DeviceNameMap names = DeviceNameMap.of(root, BootLog.parse("a.log", log.getBytes(StandardCharsets.UTF_8)));
        assertEquals(new Mapping("3-0050", "/i2c@1000/eeprom@50", How.I2C, "i2c-3 numbered by the alias i2c3"),
                names.mappings().get("3-0050"));
        assertEquals("no child of /i2c@1000 has reg 0x51 (i2c-3 numbered by the alias i2c3)", names.mappings().get("3-0051").note());
        assertEquals("the log does not say which controller added i2c-4 and the tree has no alias i2c4",
                names.mappings().get("4-0050").note());
        assertEquals(new Mapping("spi1.1", "/spi@2000/flash@1", How.SPI, "spi1 numbered by the alias spi1"),
                names.mappings().get("spi1.1"));
        assertEquals(Optional.of("3-0050"), names.expectedName("/i2c@1000/eeprom@50"));
        assertEquals(Optional.of("/i2c@1000/sensor@80000050"), names.node("3-a050"), "a 10-bit address is another device");
        assertEquals("no child of /i2c@1000 has reg 0x80000051 (i2c-3 numbered by the alias i2c3)",
                names.mappings().get("3-a051").note());
        assertEquals(Optional.of("3-a050"), names.expectedName("/i2c@1000/sensor@80000050"));
        assertEquals(Optional.of("spi1.1"), names.expectedName("/spi@2000/flash@1"));
    }

    @Test
    void theAdapterAddedDuringAControllersProbeWinsOverTheAlias() {
        DeviceTreeNode root = DeviceTreeNode.parse("b.dtb", FdtWriter.write(FdtWriter.root()
                .child(FdtWriter.node("aliases").str("i2c0", "/i2c@2000"))
                .child(FdtWriter.node("i2c@1000").compat("x,i2c").cells("reg", 0x1000, 0x100).cells("#address-cells", 1)
                        .cells("#size-cells", 0).child(FdtWriter.node("pmic@34").compat("x,pmic").cells("reg", 0x34)))
                .child(FdtWriter.node("i2c@2000").compat("x,i2c").cells("reg", 0x2000, 0x100))));
        String log = String.join("\n",
                "device: '1000.i2c': device_add",
                "bus: 'platform': __driver_probe_device: matched device 1000.i2c with driver x-i2c",
                "bus: 'platform': really_probe: probing driver x-i2c with device 1000.i2c",
                "device: 'i2c-0': device_add",
                "probe of 1000.i2c returned 0 after 5 usecs",
                "bus: 'i2c': __driver_probe_device: matched device 0-0034 with driver pmic", "");
        DeviceNameMap names = DeviceNameMap.of(root, BootLog.parse("b.log", log.getBytes(StandardCharsets.UTF_8)));
        assertEquals(new Mapping("0-0034", "/i2c@1000/pmic@34", How.I2C,
                "i2c-0 added by the probe of 1000.i2c (the alias i2c0 names /i2c@2000)"), names.mappings().get("0-0034"));
    }

    @Test
    void aBadBlobIsTheLoadersError() {
        BootLog log = BootLog.read(Captured.log("orangepi-pc"));
        DeviceTreeException e = assertThrows(DeviceTreeException.class, () -> DeviceNameMap.read(Captured.log("orangepi-pc"), log));
        assertTrue(e.getMessage().startsWith("orangepi-pc.dmesg.gz: header: bad magic"), e.getMessage());
    }
}
