package org.deferprobe.workload.devicetree;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny flattened-device-tree writer for tests: build nodes and properties in Java, serialize them to a
 * valid version-17 blob laid out as dtc does (header, reservation map, structure block, strings block).
 * {@link Struct} and {@link #assemble} write hand-made (possibly corrupt) structure blocks. The tree
 * builder ({@link N}, {@link #node}, {@link #root}, {@link #write}) is public for the tests of other packages
 * (realboot's kernel device names).
 */
public final class FdtWriter {
    static final int HEADER = 40;
    static final int RSVMAP = 40;
    static final int STRUCT = 56;

    // header field offsets
    static final int TOTALSIZE = 4;
    static final int OFF_STRUCT = 8;
    static final int OFF_STRINGS = 12;
    static final int OFF_RSVMAP = 16;
    static final int VERSION = 20;
    static final int LAST_COMP = 24;
    static final int SIZE_STRINGS = 32;
    static final int SIZE_STRUCT = 36;

    private FdtWriter() {
    }

    /** A node under construction; properties keep insertion order. */
    public static final class N {
        final String name;
        final Map<String, byte[]> props = new LinkedHashMap<>();
        final List<N> children = new ArrayList<>();

        N(String name) {
            this.name = name;
        }

        public N prop(String prop, byte[] value) {
            props.put(prop, value);
            return this;
        }

        public N str(String prop, String... values) {
            return prop(prop, strings(values));
        }

        public N cells(String prop, long... values) {
            return prop(prop, FdtWriter.cells(values));
        }

        public N flag(String prop) {
            return prop(prop, new byte[0]);
        }

        public N compat(String... ids) {
            return str("compatible", ids);
        }

        public N phandle(int p) {
            return cells("phandle", p);
        }

        public N status(String s) {
            return str("status", s);
        }

        public N child(N... nodes) {
            children.addAll(List.of(nodes));
            return this;
        }
    }

    public static N node(String name) {
        return new N(name);
    }

    /** The root, with a board compatible as real trees have. */
    public static N root() {
        return new N("").compat("acme,board").cells("#address-cells", 1).cells("#size-cells", 1);
    }

    static byte[] strings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] cells(long... values) {
        byte[] b = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            putU32(b, i * 4, values[i]);
        }
        return b;
    }

    /** Serializes a tree. */
    public static byte[] write(N root) {
        Struct s = new Struct();
        emit(root, s);
        s.token(Fdt.FDT_END);
        return assemble(s.bytes(), s.strings());
    }

    private static void emit(N n, Struct s) {
        s.begin(n.name);
        n.props.forEach(s::prop);
        n.children.forEach(c -> emit(c, s));
        s.token(Fdt.FDT_END_NODE);
    }

    /** Header (version 17, last compatible 16), an empty reservation map, then the two blocks. */
    static byte[] assemble(byte[] struct, byte[] strings) {
        int total = STRUCT + struct.length + strings.length;
        byte[] b = new byte[total];
        putU32(b, 0, 0xd00dfeedL);
        putU32(b, TOTALSIZE, total);
        putU32(b, OFF_STRUCT, STRUCT);
        putU32(b, OFF_STRINGS, STRUCT + struct.length);
        putU32(b, OFF_RSVMAP, RSVMAP);
        putU32(b, VERSION, 17);
        putU32(b, LAST_COMP, 16);
        putU32(b, SIZE_STRINGS, strings.length);
        putU32(b, SIZE_STRUCT, struct.length);
        System.arraycopy(struct, 0, b, STRUCT, struct.length);
        System.arraycopy(strings, 0, b, STRUCT + struct.length, strings.length);
        return b;
    }

    /** A structure block written token by token, with its strings block. */
    static final class Struct {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        private final Map<String, Integer> offsets = new LinkedHashMap<>();

        Struct token(long t) {
            out.writeBytes(cells(t));
            return this;
        }

        Struct begin(String name) {
            token(Fdt.FDT_BEGIN_NODE);
            out.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
            pad();
            return this;
        }

        Struct end() {
            return token(Fdt.FDT_END_NODE);
        }

        Struct prop(String name, byte[] value) {
            return prop(nameOffset(name), value.length, value);
        }

        /** A property with an explicit name offset and length field (for corrupt blocks). */
        Struct prop(long nameOffset, long length, byte[] value) {
            token(Fdt.FDT_PROP);
            token(length);
            token(nameOffset);
            out.writeBytes(value);
            pad();
            return this;
        }

        int nameOffset(String name) {
            return offsets.computeIfAbsent(name, k -> {
                int off = strings.size();
                strings.writeBytes(FdtWriter.strings(k));
                return off;
            });
        }

        /** Appends raw bytes to the strings block (an unterminated name, say). */
        Struct rawString(byte[] b) {
            strings.writeBytes(b);
            return this;
        }

        private void pad() {
            while (out.size() % 4 != 0) {
                out.write(0);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        byte[] strings() {
            return strings.toByteArray();
        }
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long u32(byte[] b, int off) {
        return Fdt.cell(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]}, 0);
    }
}
