package org.deferprobe.workload.realboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.deferprobe.workload.ScenarioException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a log is refused, each one line naming the file; and what is accepted with a warning. */
class BootLogErrorsTest {
    private static final String GOOD = "<7>[    0.400000] bus: 'platform': __driver_probe_device: matched device a with driver d\n";

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static String refused(Path p) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> BootLog.read(p));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith(p.getFileName() + ": "), m);
        return m;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void aMissingFile() {
        assertEquals("nothere.dmesg: no such file", refused(dir.resolve("nothere.dmesg")));
    }

    @Test
    void aDirectory() throws IOException {
        Files.createDirectory(dir.resolve("logs"));
        assertEquals("logs: not a regular file", refused(dir.resolve("logs")));
    }

    @Test
    void anEmptyFile() throws IOException {
        assertEquals("empty.dmesg: empty file, not a kernel log", refused(file("empty.dmesg", new byte[0])));
    }

    @Test
    void anEmptyGzip() throws IOException {
        assertEquals("empty.dmesg.gz: empty file, not a kernel log", refused(file("empty.dmesg.gz", gzip(new byte[0]))));
    }

    @Test
    void aBinaryFileWithANulByte() throws IOException {
        byte[] elf = {0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0};
        assertEquals("vmlinuz: line 1: binary data (a NUL byte at offset 0x7), not a kernel log", refused(file("vmlinuz", elf)));
    }

    @Test
    void aNulByteOnALaterLineIsPlaced() throws IOException {
        byte[] b = (GOOD + GOOD + "x\0y\n").getBytes(StandardCharsets.UTF_8);
        assertTrue(refused(file("nul.log", b)).startsWith("nul.log: line 3: binary data (a NUL byte at offset 0x"));
    }

    @Test
    void binaryWithoutNulBytes() throws IOException {
        byte[] b = new byte[400];
        Arrays.fill(b, (byte) 0x01);
        assertEquals("noise.bin: binary data (400 control bytes in 400), not a kernel log", refused(file("noise.bin", b)));
    }

    @Test
    void aCorruptGzip() throws IOException {
        byte[] gz = gzip(GOOD.repeat(100).getBytes(StandardCharsets.UTF_8));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        assertTrue(refused(file("cut.dmesg.gz", cut)).startsWith("cut.dmesg.gz: gzip data is corrupt or truncated: "));
    }

    @Test
    void aForeignTextWithoutDriverCoreLines() throws IOException {
        String m = refused(file("README.md", "# Hello\n\nThis is not a kernel log.\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("README.md: no dd.c probe lines (\"matched device\", \"probing driver\", \"driver_bound\") among 3 "
                + "lines: not a kernel log, or one captured without dyndbg=\"file drivers/base/dd.c +p; file "
                + "drivers/base/core.c +p\"", m);
    }

    @Test
    void aKernelLogWithoutDynamicDebug() throws IOException {
        String plain = "[    0.000000] Booting Linux on physical CPU 0x0\n"
                + "[    0.000000] Linux version 6.1.0-47-armmp (debian-kernel@lists.debian.org)\n"
                + "[    8.308643] 1c28000.serial: ttyS0 at MMIO 0x1c28000 (irq = 135, base_baud = 1500000) is a 16550A\n"
                + "[    8.385439] Extended deferred probe timeout by 10 secs\n";
        assertTrue(refused(file("quiet.dmesg", plain.getBytes(StandardCharsets.UTF_8)))
                .startsWith("quiet.dmesg: no dd.c probe lines"), "timeout lines alone do not make a usable log");
    }

    @Test
    void aFileNameWithANewlineStaysOneLine() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> BootLog.parse("a\nb.log", new byte[0]));
        assertEquals("a b.log: empty file, not a kernel log", e.getMessage());
    }

    @Test
    void aLogCutMidLineIsReadAndSaysSo() throws IOException {
        String cut = GOOD + "<7>[    0.500000] bus: 'platform': __driver_probe_device: matched dev";
        BootLog l = BootLog.read(file("cut.dmesg", cut.getBytes(StandardCharsets.UTF_8)));
        assertTrue(l.truncated());
        assertEquals(2, l.lines());
        assertEquals(1, l.skipped(), "the cut line is not recognized");
        assertTrue(l.warnings().contains("the last line is cut (the file does not end with a newline)"), l.warnings().toString());
    }

    @Test
    void aGzipLogIsReadWhateverItsName() throws IOException {
        BootLog l = BootLog.read(file("boot.txt", gzip(GOOD.getBytes(StandardCharsets.UTF_8))));
        assertEquals(1, l.recognized());
        assertFalse(l.truncated());
    }

    @Test
    void invalidUtf8IsReplacedNotRefused() throws IOException {
        byte[] b = (GOOD + "driver says \u0000").getBytes(StandardCharsets.UTF_8);
        byte[] latin = Arrays.copyOf(b, b.length);
        latin[latin.length - 1] = (byte) 0xe9; // a lone Latin-1 byte, not UTF-8
        BootLog l = BootLog.read(file("latin.log", latin));
        assertEquals(2, l.lines());
        assertEquals(1, l.recognized());
    }
}
