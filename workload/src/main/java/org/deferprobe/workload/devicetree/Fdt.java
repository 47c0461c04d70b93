package org.deferprobe.workload.devicetree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed flattened device tree blob (the devicetree specification, chapter 5; libfdt's fdt_check_full):
 * the node tree with its raw property values, and the phandle index.
 *
 * <p>{@link #parse} validates the whole blob before anything uses it and throws {@link DeviceTreeException}
 * with one line naming the file, the block and the offset for anything truncated or corrupt. It never reads
 * outside the blob, never allocates more than a small multiple of the blob's size, and runs in time linear
 * in the blob's size.
 */
final class Fdt {
    /* Implementation notes
     *
     * Everything read from the blob is unsigned 32-bit big-endian; offsets and lengths are widened to long
     * before any arithmetic, so a length of 0xffffffff cannot wrap an int check. Allocation bounds:
     * - property values are copied, and their total is at most the structure block's size;
     * - every node costs at least 8 bytes of structure block, every property 12, so node and property
     *   counts are bounded by the block's size;
     * - node paths and property names are the only text whose total could exceed the blob (a long name
     *   repeated through many paths or name offsets): both are decoded once (names cached by offset) and
     *   counted against a budget of TEXT_BUDGET_FACTOR times the blob's size, which real trees never
     *   approach (their paths are tens of characters, their nodes hundreds of bytes).
     * Strings are decoded as ISO-8859-1: one char per byte, so distinct bytes never collide.
     */

    static final int MAGIC = 0xd00dfeed;
    static final int FDT_BEGIN_NODE = 1;
    static final int FDT_END_NODE = 2;
    static final int FDT_PROP = 3;
    static final int FDT_NOP = 4;
    static final int FDT_END = 9;
    /** Deepest nesting accepted, as the kernel's FDT_MAX_DEPTH. */
    static final int MAX_DEPTH = 64;
    /** Largest file read; real blobs are well under a megabyte. */
    static final long MAX_FILE_BYTES = 64L << 20;
    /** The newest layout this parser knows (libfdt's FDT_LAST_SUPPORTED_VERSION). */
    static final int LAST_SUPPORTED_VERSION = 17;
    static final int FIRST_SUPPORTED_VERSION = 16;
    private static final int TEXT_BUDGET_FACTOR = 8;
    private static final int TEXT_BUDGET_SLACK = 1 << 16;

    /** The file name used in messages. */
    final String file;
    final Node root;
    /** Every node, in structure-block order (parents before children). */
    final List<Node> nodes;
    private final Map<Integer, Node> byPhandle;

    private Fdt(String file, Node root, List<Node> nodes, Map<Integer, Node> byPhandle) {
        this.file = file;
        this.root = root;
        this.nodes = nodes;
        this.byPhandle = byPhandle;
    }

    /** The node with that phandle, or null (0 and 0xffffffff are never phandles). */
    Node byPhandle(int phandle) {
        return byPhandle.get(phandle);
    }

    /** Reads and parses a file; the messages name it by its file name. */
    static Fdt read(Path path) {
        return parse(fileName(path), readBlob(path));
    }

    static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    static byte[] readBlob(Path path) {
        String file = fileName(path);
        try {
            if (!Files.isRegularFile(path)) {
                throw new DeviceTreeException(file + ": not a regular file: " + path);
            }
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new DeviceTreeException(file + ": file is " + size + " bytes, larger than the "
                        + MAX_FILE_BYTES + " bytes a device tree blob may have");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new DeviceTreeException(file + ": cannot read: " + e, e);
        }
    }

    /** Parses a blob already in memory; {@code file} is the name messages start with. */
    static Fdt parse(String file, byte[] blob) {
        return new Parser(file, blob).parse();
    }

    /** One node: its name, full path, raw properties and children. */
    static final class Node {
        final String name;
        final String path;
        final Node parent;
        final int depth;
        /** Its position in {@link Fdt#nodes}. */
        final int index;
        /** Where its FDT_BEGIN_NODE token is, for messages. */
        final int offset;
        final Map<String, byte[]> props = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();
        int phandle;

        Node(String name, String path, Node parent, int offset, int index) {
            this.name = name;
            this.index = index;
            this.path = path;
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
            this.offset = offset;
        }

        boolean has(String prop) {
            return props.containsKey(prop);
        }

        byte[] prop(String prop) {
            return props.get(prop);
        }

        /** The property's first cell, or -1 when it is absent or shorter than 4 bytes (of_property_read_u32). */
        long u32(String prop) {
            byte[] v = props.get(prop);
            return v == null || v.length < 4 ? -1 : cell(v, 0);
        }

        /** The property's strings (NUL-separated, empty ones dropped); empty when absent. */
        List<String> strings(String prop) {
            byte[] v = props.get(prop);
            if (v == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i <= v.length; i++) {
                if (i == v.length || v[i] == 0) {
                    if (i > start) {
                        out.add(new String(v, start, i - start, StandardCharsets.ISO_8859_1));
                    }
                    start = i + 1;
                }
            }
            return out;
        }

        /** The property's first string as the kernel compares it (up to the first NUL), or null if absent. */
        String firstString(String prop) {
            byte[] v = props.get(prop);
            if (v == null) {
                return null;
            }
            int end = 0;
            while (end < v.length && v[end] != 0) {
                end++;
            }
            return new String(v, 0, end, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return path;
        }
    }

    /** The i-th big-endian cell of a value, unsigned. */
    static long cell(byte[] v, int i) {
        int o = i * 4;
        return ((v[o] & 0xffL) << 24) | ((v[o + 1] & 0xffL) << 16) | ((v[o + 2] & 0xffL) << 8) | (v[o + 3] & 0xffL);
    }

    /** One parse: the checks in the order a reader needs them. */
    private static final class Parser {
        final String file;
        final byte[] blob;
        int version;
        int headerSize;
        int totalSize;
        int structStart;
        int structEnd;
        int stringsStart;
        int stringsEnd;
        final long textBudget;
        long textUsed;
        final Map<Integer, String> namesByOffset = new HashMap<>();
        final List<Node> nodes = new ArrayList<>();

        Parser(String file, byte[] blob) {
            this.file = file;
            this.blob = blob;
            this.textBudget = (long) TEXT_BUDGET_FACTOR * blob.length + TEXT_BUDGET_SLACK;
        }

        Fdt parse() {
            header();
            memoryReservations();
            Node root = structure();
            return new Fdt(file, root, Collections.unmodifiableList(nodes), phandles());
        }

        private DeviceTreeException fail(String where, String what) {
            return new DeviceTreeException(file + ": " + where + ": " + what);
        }

        private long u32(int offset) {
            return ((blob[offset] & 0xffL) << 24) | ((blob[offset + 1] & 0xffL) << 16)
                    | ((blob[offset + 2] & 0xffL) << 8) | (blob[offset + 3] & 0xffL);
        }

        private void header() {
            if (blob.length < 4) {
                throw fail("header", "file is " + blob.length + " bytes, too short for the magic number");
            }
            long magic = u32(0);
            if (magic != (MAGIC & 0xffffffffL)) {
                throw fail("header", "bad magic " + hex8(magic) + " at offset 0x0 (a device tree blob starts with 0xd00dfeed)");
            }
            if (blob.length < 28) {
                throw fail("header", "truncated: file is " + blob.length + " bytes, the header needs at least 40");
            }
            long v = u32(20);
            long lastComp = u32(24);
            if (v < FIRST_SUPPORTED_VERSION) {
                throw fail("header", "version " + v + " at offset 0x14 is older than " + FIRST_SUPPORTED_VERSION
                        + ", the oldest supported");
            }
            if (lastComp > LAST_SUPPORTED_VERSION || lastComp > v) {
                throw fail("header", "last compatible version " + lastComp + " at offset 0x18 is not readable (version "
                        + v + ", this reader knows up to " + LAST_SUPPORTED_VERSION + ")");
            }
            version = (int) v;
            headerSize = version >= 17 ? 40 : 36;
            if (blob.length < headerSize) {
                throw fail("header", "truncated: file is " + blob.length + " bytes, the version " + version
                        + " header needs " + headerSize);
            }
            long total = u32(4);
            if (total > blob.length) {
                throw fail("header", "totalsize " + total + " at offset 0x4 is larger than the file (" + blob.length
                        + " bytes): truncated");
            }
            if (total < headerSize) {
                throw fail("header", "totalsize " + total + " at offset 0x4 is smaller than the header (" + headerSize
                        + " bytes)");
            }
            totalSize = (int) total;
            long structOff = u32(8);
            long stringsOff = u32(12);
            long stringsSize = u32(32);
            checkBlock("structure block", 0x8, structOff, 0, 4);
            long structSize;
            if (version >= 17) {
                structSize = u32(36);
                checkBlock("structure block", 0x8, structOff, structSize, 4);
                if (structSize % 4 != 0) {
                    throw fail("header", "size_dt_struct " + structSize + " at offset 0x24 is not a multiple of 4");
                }
            } else {
                structSize = (totalSize - structOff) & ~3L;
            }
            checkBlock("strings block", 0xc, stringsOff, stringsSize, 1);
            structStart = (int) structOff;
            structEnd = (int) (structOff + structSize);
            stringsStart = (int) stringsOff;
            stringsEnd = (int) (stringsOff + stringsSize);
        }

        private void checkBlock(String block, int fieldOffset, long off, long size, int align) {
            if (off < headerSize || off > totalSize) {
                throw fail("header", block + " offset " + hex(off) + " at offset " + hex(fieldOffset)
                        + " is outside the blob after the header (" + hex(headerSize) + ".." + hex(totalSize) + ")");
            }
            if (off % align != 0) {
                throw fail("header", block + " offset " + hex(off) + " at offset " + hex(fieldOffset)
                        + " is not " + align + "-byte aligned");
            }
            if (off + size > totalSize) {
                throw fail("header", block + " at " + hex(off) + " has size " + size + ", ending at " + hex(off + size)
                        + " beyond totalsize " + hex(totalSize));
            }
        }

        /** The reservation map: 16-byte (address, size) entries ending with a zero entry, inside the blob. */
        private void memoryReservations() {
            long off = u32(16);
            if (off < headerSize || off > totalSize || off % 8 != 0) {
                throw fail("header", "memory reservation map offset " + hex(off) + " at offset 0x10 is "
                        + (off % 8 != 0 ? "not 8-byte aligned" : "outside the blob after the header ("
                        + hex(headerSize) + ".." + hex(totalSize) + ")"));
            }
            for (long at = off; ; at += 16) {
                if (at + 16 > totalSize) {
                    throw fail("memory reservation map", "no terminating zero entry before the blob end "
                            + hex(totalSize) + " (map starts at " + hex(off) + ")");
                }
                if (u32((int) at) == 0 && u32((int) at + 4) == 0 && u32((int) at + 8) == 0 && u32((int) at + 12) == 0) {
                    return;
                }
            }
        }

        /** The structure block, token by token; returns the root. */
        private Node structure() {
            String where = "structure block";
            List<Node> stack = new ArrayList<>();
            Node root = null;
            int pos = structStart;
            while (true) {
                if ((long) pos + 4 > structEnd) {
                    throw fail(where, "no FDT_END token before the block end " + hex(structEnd)
                            + (stack.isEmpty() ? "" : " (node " + stack.get(stack.size() - 1).path + " is still open)"));
                }
                int at = pos;
                long token = u32(pos);
                pos += 4;
                if (token == FDT_BEGIN_NODE) {
                    if (root != null && stack.isEmpty()) {
                        throw fail(where, "second root node at offset " + hex(at));
                    }
                    int nameEnd = indexOfNul(pos, structEnd);
                    if (nameEnd < 0) {
                        throw fail(where, "node at offset " + hex(at) + " has a name not NUL-terminated before the block end "
                                + hex(structEnd));
                    }
                    Node parent = stack.isEmpty() ? null : stack.get(stack.size() - 1);
                    Node node = beginNode(parent, at, pos, nameEnd);
                    if (parent == null) {
                        root = node;
                    }
                    stack.add(node);
                    nodes.add(node);
                    pos = align4(nameEnd + 1);
                } else if (token == FDT_END_NODE) {
                    if (stack.isEmpty()) {
                        throw fail(where, "FDT_END_NODE at offset " + hex(at) + " closes no open node");
                    }
                    stack.remove(stack.size() - 1);
                } else if (token == FDT_PROP) {
                    if (stack.isEmpty()) {
                        throw fail(where, "property at offset " + hex(at) + " is outside any node");
                    }
                    pos = property(stack.get(stack.size() - 1), at, pos);
                } else if (token == FDT_NOP) {
                    continue;
                } else if (token == FDT_END) {
                    if (root == null) {
                        throw fail(where, "FDT_END at offset " + hex(at) + " before any node: there is no root node");
                    }
                    if (!stack.isEmpty()) {
                        throw fail(where, "FDT_END at offset " + hex(at) + " while node "
                                + stack.get(stack.size() - 1).path + " is still open");
                    }
                    if (version >= 17 && pos != structEnd) {
                        throw fail(where, (structEnd - pos) + " bytes after FDT_END at offset " + hex(at)
                                + " before the block end " + hex(structEnd));
                    }
                    return root;
                } else {
                    throw fail(where, "unknown token " + hex8(token) + " at offset " + hex(at));
                }
            }
        }

        private Node beginNode(Node parent, int at, int nameStart, int nameEnd) {
            String where = "structure block";
            if (parent != null && parent.depth + 1 >= MAX_DEPTH) {
                throw fail(where, "node at offset " + hex(at) + " nests deeper than " + MAX_DEPTH + " levels");
            }
            String name = new String(blob, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1);
            if (parent == null) {
                spendText(1, at);
                return new Node(name, "/", null, at, nodes.size());
            }
            if (name.isEmpty() || name.indexOf('/') >= 0 || !visible(name)) {
                throw fail(where, "node at offset " + hex(at) + " under " + parent.path + " has "
                        + (name.isEmpty() ? "an empty name" : "a name with '/' or a non-printable byte in it: \""
                        + printable(name) + "\""));
            }
            long pathLength = (parent.parent == null ? 0 : parent.path.length()) + 1L + name.length();
            spendText(pathLength, at);
            String path = parent.parent == null ? "/" + name : parent.path + "/" + name;
            for (Node sibling : parent.children) {
                if (sibling.name.equals(name)) {
                    throw fail(where, "node at offset " + hex(at) + " duplicates the node " + path);
                }
            }
            Node node = new Node(name, path, parent, at, nodes.size());
            parent.children.add(node);
            return node;
        }

        /** Reads one FDT_PROP whose token is at {@code at}; returns the offset after its padded value. */
        private int property(Node node, int at, int pos) {
            String where = "structure block";
            if ((long) pos + 8 > structEnd) {
                throw fail(where, "property at offset " + hex(at) + " is cut off by the block end " + hex(structEnd));
            }
            long len = u32(pos);
            long nameOff = u32(pos + 4);
            pos += 8;
            if (len > structEnd - pos) {
                throw fail(where, "property at offset " + hex(at) + " has length " + len + " beyond the block end "
                        + hex(structEnd));
            }
            String name = propertyName(at, nameOff);
            if (node.props.containsKey(name)) {
                throw fail(where, "property at offset " + hex(at) + " repeats \"" + printable(name) + "\" in node "
                        + node.path);
            }
            node.props.put(name, Arrays.copyOfRange(blob, pos, pos + (int) len));
            return align4(pos + (int) len);
        }

        private String propertyName(int at, long nameOff) {
            String where = "structure block";
            if (nameOff >= stringsEnd - stringsStart) {
                throw fail(where, "property at offset " + hex(at) + " has name offset " + hex(nameOff)
                        + " outside the strings block (size " + hex(stringsEnd - stringsStart) + ")");
            }
            String cached = namesByOffset.get((int) nameOff);
            if (cached != null) {
                return cached;
            }
            int start = stringsStart + (int) nameOff;
            int end = indexOfNul(start, stringsEnd);
            if (end < 0) {
                throw fail(where, "property at offset " + hex(at) + " has a name at strings offset " + hex(nameOff)
                        + " not NUL-terminated before the strings block end " + hex(stringsEnd));
            }
            if (end == start) {
                throw fail(where, "property at offset " + hex(at) + " has an empty name (strings offset "
                        + hex(nameOff) + ")");
            }
            spendText(end - start, at);
            String candidate = new String(blob, start, end - start, StandardCharsets.ISO_8859_1);
            if (!visible(candidate)) {
                throw fail(where, "property at offset " + hex(at) + " has a name with a non-printable byte: \""
                        + printable(candidate) + "\"");
            }
            String name = candidate;
            namesByOffset.put((int) nameOff, name);
            return name;
        }

        private void spendText(long chars, int at) {
            textUsed += chars;
            if (textUsed > textBudget) {
                throw fail("structure block", "node paths and property names at offset " + hex(at) + " add up to more than "
                        + textBudget + " characters, too many for a blob of " + blob.length + " bytes");
            }
        }

        /** phandle, else linux,phandle: 4 bytes, unique; 0 and 0xffffffff mean none. */
        private Map<Integer, Node> phandles() {
            Map<Integer, Node> map = new HashMap<>();
            for (Node n : nodes) {
                String prop = n.has("phandle") ? "phandle" : n.has("linux,phandle") ? "linux,phandle" : null;
                if (prop == null) {
                    continue;
                }
                byte[] v = n.prop(prop);
                if (v.length != 4) {
                    throw fail("structure block", "node " + n.path + " at offset " + hex(n.offset) + " has a " + prop
                            + " of " + v.length + " bytes (a phandle is 4)");
                }
                long p = cell(v, 0);
                if (p == 0 || p == 0xffffffffL) {
                    continue;
                }
                Node other = map.putIfAbsent((int) p, n);
                if (other != null) {
                    throw fail("structure block", "phandle " + hex(p) + " is on both " + other.path + " and " + n.path);
                }
                n.phandle = (int) p;
            }
            return map;
        }

        private int indexOfNul(int from, int to) {
            for (int i = from; i < to; i++) {
                if (blob[i] == 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** True when every char is printable ASCII without space: what node and property names are made of. */
    static boolean visible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    static int align4(int offset) {
        return (offset + 3) & ~3;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String hex8(long v) {
        return String.format("0x%08x", v);
    }

    /** A name as it may appear in a one-line message: non-printable bytes as \xNN, at most 64 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
