package org.deferprobe.workload.devicetree;

import static org.deferprobe.workload.devicetree.FdtWriter.node;
import static org.deferprobe.workload.devicetree.FdtWriter.putU32;
import static org.deferprobe.workload.devicetree.FdtWriter.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob parser: a valid tree reads back as written; every corruption is one line naming file and offset. */
class FdtTest {
    static final String FILE = "board.dtb";

    static FdtWriter.N sample() {
        return root().child(
                node("chosen").str("bootargs", "console=ttyS0"),
                node("soc").compat("simple-bus").child(
                        node("clock-controller@1000").compat("acme,cru").phandle(1).cells("#clock-cells", 1),
                        node("serial@2000").compat("acme,uart", "ns16550a").cells("clocks", 1, 7)),
                node("gpio").compat("acme,gpio").cells("linux,phandle", 2));
    }

    @Test
    void readsBackWhatWasWritten() {
        Fdt fdt = Fdt.parse(FILE, FdtWriter.write(sample()));
        assertEquals("/", fdt.root.path);
        assertEquals(List.of("/", "/chosen", "/soc", "/soc/clock-controller@1000", "/soc/serial@2000", "/gpio"),
                fdt.nodes.stream().map(n -> n.path).toList());
        Fdt.Node serial = fdt.nodes.get(4);
        assertEquals("serial@2000", serial.name);
        assertSame(fdt.nodes.get(2), serial.parent);
        assertEquals(List.of("acme,uart", "ns16550a"), serial.strings("compatible"));
        assertEquals("acme,uart", serial.firstString("compatible"));
        assertEquals(1, serial.u32("clocks"));
        assertEquals(-1, serial.u32("missing"));
        assertSame(fdt.nodes.get(3), fdt.byPhandle(1));
        assertSame(fdt.nodes.get(5), fdt.byPhandle(2), "linux,phandle counts as a phandle");
        assertNull(fdt.byPhandle(0));
    }

    @Test
    void acceptsVersion16WithoutStructSize() {
        byte[] b = FdtWriter.write(sample());
        putU32(b, FdtWriter.VERSION, 16);
        putU32(b, FdtWriter.SIZE_STRUCT, 0); // a version-16 header ends before this field
        assertEquals(6, Fdt.parse(FILE, b).nodes.size());
    }

    @Test
    void acceptsNopTokensAndTrailingFileBytes() {
        FdtWriter.Struct s = new FdtWriter.Struct().token(Fdt.FDT_NOP).begin("").token(Fdt.FDT_NOP)
                .prop("compatible", FdtWriter.strings("acme,board")).end().token(Fdt.FDT_NOP).token(Fdt.FDT_END);
        byte[] b = FdtWriter.assemble(s.bytes(), s.strings());
        byte[] padded = Arrays.copyOf(b, b.length + 64); // bytes past totalsize are not the blob's
        assertEquals(1, Fdt.parse(FILE, padded).nodes.size());
    }

    @Test
    void readsFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.dtb");
        Files.write(f, FdtWriter.write(sample()));
        assertEquals(6, Fdt.read(f).nodes.size());
        rejects(() -> Fdt.read(dir.resolve("missing.dtb")), "missing.dtb: ", "not a regular file");
    }

    // ---- rejections: header

    @Test
    void rejectsBadMagic() {
        byte[] b = FdtWriter.write(sample());
        b[0] = 0x7f;
        rejects(b, "header: bad magic 0x7f0dfeed at offset 0x0");
        rejects(new byte[0], "header: file is 0 bytes");
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] b = FdtWriter.write(sample());
        rejects(Arrays.copyOf(b, 20), "header: truncated: file is 20 bytes");
        rejects(Arrays.copyOf(b, 39), "header: truncated: file is 39 bytes, the version 17 header needs 40");
    }

    @Test
    void rejectsTotalsizeLargerThanFile() {
        byte[] b = FdtWriter.write(sample());
        rejects(Arrays.copyOf(b, b.length - 1), "totalsize " + b.length + " at offset 0x4 is larger than the file ("
                + (b.length - 1) + " bytes): truncated");
        putU32(b, FdtWriter.TOTALSIZE, 12);
        rejects(b, "totalsize 12 at offset 0x4 is smaller than the header");
    }

    @Test
    void rejectsUnsupportedVersions() {
        byte[] b = FdtWriter.write(sample());
        putU32(b, FdtWriter.VERSION, 3);
        rejects(b, "header: version 3 at offset 0x14 is older than 16");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.LAST_COMP, 18);
        rejects(b, "header: last compatible version 18 at offset 0x18");
    }

    @Test
    void rejectsStructOffsetsOutOfRange() {
        byte[] b = FdtWriter.write(sample());
        putU32(b, FdtWriter.OFF_STRUCT, 0xffff0000L);
        rejects(b, "header: structure block offset 0xffff0000 at offset 0x8 is outside the blob");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.OFF_STRUCT, 8);
        rejects(b, "structure block offset 0x8 at offset 0x8 is outside the blob after the header");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.OFF_STRUCT, 58);
        rejects(b, "structure block offset 0x3a at offset 0x8 is not 4-byte aligned");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.SIZE_STRUCT, 0xfffffff0L);
        rejects(b, "header: structure block at 0x38 has size 4294967280, ending at 0x100000028 beyond totalsize");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.SIZE_STRUCT, FdtWriter.u32(b, FdtWriter.SIZE_STRUCT) - 2);
        rejects(b, "size_dt_struct");
    }

    @Test
    void rejectsStringsBlockOutOfRange() {
        byte[] b = FdtWriter.write(sample());
        putU32(b, FdtWriter.SIZE_STRINGS, b.length);
        rejects(b, "header: strings block at 0x");
        b = FdtWriter.write(sample());
        putU32(b, FdtWriter.OFF_STRINGS, b.length + 4);
        rejects(b, "header: strings block offset");
    }

    @Test
    void rejectsBadReservationMap() {
        byte[] b = FdtWriter.write(sample());
        putU32(b, FdtWriter.OFF_RSVMAP, 44);
        rejects(b, "memory reservation map offset 0x2c at offset 0x10 is not 8-byte aligned");
        b = FdtWriter.write(sample());
        Arrays.fill(b, FdtWriter.RSVMAP, FdtWriter.STRUCT, (byte) 1); // no zero entry before totalsize
        putU32(b, FdtWriter.OFF_STRUCT, FdtWriter.STRUCT); // restore nothing else: struct still parses later
        rejects(b, "memory reservation map: no terminating zero entry before the blob end");
    }

    // ---- rejections: structure block

    @Test
    void rejectsUnterminatedNodeName() {
        FdtWriter.Struct s = new FdtWriter.Struct().begin("").token(Fdt.FDT_BEGIN_NODE);
        byte[] struct = s.bytes();
        byte[] withName = Arrays.copyOf(struct, struct.length + 4);
        Arrays.fill(withName, struct.length, withName.length, (byte) 'a');
        rejects(FdtWriter.assemble(withName, s.strings()),
                "structure block: node at offset 0x40 has a name not NUL-terminated before the block end 0x48");
    }

    @Test
    void rejectsUnterminatedPropertyName() {
        FdtWriter.Struct s = new FdtWriter.Struct().rawString(new byte[] {'a', 'b', 'c'});
        s.begin("").prop(0, 4, FdtWriter.cells(1)).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(s.bytes(), s.strings()),
                "property at offset 0x40 has a name at strings offset 0x0 not NUL-terminated before the strings block end");
    }

    @Test
    void rejectsPropertyNameOffsetOutsideStrings() {
        FdtWriter.Struct s = new FdtWriter.Struct().begin("");
        s.prop("compatible", FdtWriter.strings("x")).prop(0x1000, 4, FdtWriter.cells(1)).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(s.bytes(), s.strings()),
                "structure block: property at offset 0x50 has name offset 0x1000 outside the strings block (size 0xb)");
    }

    @Test
    void rejectsPropertyLengthBeyondTheBlock() {
        FdtWriter.Struct s = new FdtWriter.Struct().begin("");
        int name = s.nameOffset("reg");
        s.prop(name, 4096, FdtWriter.cells(1)).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(s.bytes(), s.strings()),
                "structure block: property at offset 0x40 has length 4096 beyond the block end 0x58");
        FdtWriter.Struct t = new FdtWriter.Struct().begin("");
        t.prop(t.nameOffset("reg"), 0xffffffffL, new byte[0]).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(t.bytes(), t.strings()), "has length 4294967295 beyond the block end");
    }

    @Test
    void rejectsBadNesting() {
        FdtWriter.Struct extraEnd = new FdtWriter.Struct().begin("").end().end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(extraEnd.bytes(), extraEnd.strings()),
                "structure block: FDT_END_NODE at offset 0x44 closes no open node");
        FdtWriter.Struct unclosed = new FdtWriter.Struct().begin("").begin("soc").end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(unclosed.bytes(), unclosed.strings()),
                "structure block: FDT_END at offset 0x4c while node / is still open");
        FdtWriter.Struct twoRoots = new FdtWriter.Struct().begin("").end().begin("").end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(twoRoots.bytes(), twoRoots.strings()), "second root node at offset 0x44");
        FdtWriter.Struct propOutside = new FdtWriter.Struct().begin("").end();
        propOutside.prop("x", new byte[0]).token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(propOutside.bytes(), propOutside.strings()), "property at offset 0x44 is outside any node");
        FdtWriter.Struct noRoot = new FdtWriter.Struct().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(noRoot.bytes(), noRoot.strings()), "there is no root node");
    }

    @Test
    void rejectsMissingEndAndTrailingTokens() {
        FdtWriter.Struct noEnd = new FdtWriter.Struct().begin("").end();
        rejects(FdtWriter.assemble(noEnd.bytes(), noEnd.strings()),
                "structure block: no FDT_END token before the block end 0x44");
        FdtWriter.Struct cut = new FdtWriter.Struct().begin("").begin("soc");
        rejects(FdtWriter.assemble(cut.bytes(), cut.strings()), "no FDT_END token before the block end 0x48 (node /soc is still open)");
        FdtWriter.Struct after = new FdtWriter.Struct().begin("").end().token(Fdt.FDT_END).token(Fdt.FDT_NOP);
        rejects(FdtWriter.assemble(after.bytes(), after.strings()), "4 bytes after FDT_END at offset 0x44");
    }

    @Test
    void rejectsUnknownTokensAndBadNames() {
        FdtWriter.Struct s = new FdtWriter.Struct().begin("").token(7).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(s.bytes(), s.strings()), "unknown token 0x00000007 at offset 0x40");
        FdtWriter.Struct empty = new FdtWriter.Struct().begin("").begin("").end().end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(empty.bytes(), empty.strings()), "node at offset 0x40 under / has an empty name");
        FdtWriter.Struct slash = new FdtWriter.Struct().begin("").begin("a/b").end().end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(slash.bytes(), slash.strings()), "a name with '/' or a non-printable byte in it: \"a/b\"");
        FdtWriter.Struct newline = new FdtWriter.Struct().begin("").begin("a\nb").end().end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(newline.bytes(), newline.strings()), "\"a\\x0ab\"");
        rejects(FdtWriter.write(root().child(node("soc"), node("soc"))), "duplicates the node /soc");
        FdtWriter.Struct dupProp = new FdtWriter.Struct().begin("");
        dupProp.prop("reg", new byte[0]).prop("reg", new byte[0]).end().token(Fdt.FDT_END);
        rejects(FdtWriter.assemble(dupProp.bytes(), dupProp.strings()), "repeats \"reg\" in node /");
    }

    @Test
    void rejectsNestingBeyondTheDepthLimit() {
        FdtWriter.N deepest = node("n");
        FdtWriter.N top = deepest;
        for (int i = 0; i < Fdt.MAX_DEPTH; i++) {
            top = node("n").child(top);
        }
        rejects(FdtWriter.write(root().child(top)), "nests deeper than 64 levels");
    }

    @Test
    void rejectsBadPhandles() {
        rejects(FdtWriter.write(root().child(node("a").phandle(5), node("b").phandle(5))),
                "structure block: phandle 0x5 is on both /a and /b");
        rejects(FdtWriter.write(root().child(node("a").cells("phandle", 1, 2))),
                "node /a at offset 0x78 has a phandle of 8 bytes (a phandle is 4)");
    }

    @Test
    void boundsTextWhenALongNameRepeatsThroughManyPaths() {
        FdtWriter.N wide = node("x".repeat(20_000));
        for (int i = 0; i < 2_000; i++) {
            wide.child(node("c" + i));
        }
        rejects(FdtWriter.write(root().child(wide)), "node paths and property names at offset");
    }

    static void rejects(byte[] blob, String expected) {
        rejects(() -> Fdt.parse(FILE, blob), FILE + ": ", expected);
    }

    static void rejects(Runnable load, String prefix, String expected) {
        DeviceTreeException e = assertThrows(DeviceTreeException.class, load::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(prefix), () -> "message does not start with " + prefix + ": " + m);
        assertTrue(m.contains(expected), () -> "message lacks <" + expected + ">: " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message is not one line: " + m);
    }
}
