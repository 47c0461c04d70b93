package org.deferprobe.stress;

import static org.deferprobe.stress.MainTest.assertBadInput;
import static org.deferprobe.stress.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} through {@link Main#execute}: the captured boots, and one test per kind of bad input. */
class ReplayCommandTest {
    /** Maven runs tests in the module directory. */
    static final Path REALBOOT = Path.of("..", "workload", "src", "test", "resources", "realboot");
    static final Path ORANGEPI = REALBOOT.resolve("orangepi-pc.dmesg.gz");
    static final Path ORANGEPI_DTB = REALBOOT.resolve("orangepi-pc.qemu.dtb");
    static final Path VEXPRESS = REALBOOT.resolve("vexpress-a15.dmesg.gz");
    static final Path VEXPRESS_DTB = REALBOOT.resolve("vexpress-a15.qemu.dtb");

    @TempDir
    static Path dir;
    static List<String> lines;

    @BeforeAll
    static void readOrangepi() throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(ORANGEPI)))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    static String join(List<String> l) {
        return String.join("\n", l) + "\n";
    }

    static MainTest.Result replay(Path log, Path dtb, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", "--log", log.toString(), "--dtb", dtb.toString()));
        args.addAll(Arrays.asList(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void orangepiOnEveryEngineInText() {
        MainTest.Result r = replay(ORANGEPI, ORANGEPI_DTB, "--engine", "all");
        assertEquals(0, r.status(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("replay: orangepi-pc.dmesg.gz (Linux 6.1.0-47-armmp, 3700 lines) on "
                + "orangepi-pc.qemu.dtb\n"), out);
        assertTrue(out.contains("kernel: 53 devices compared, same final state 53 (100%), same probe attempts 53 (100%)"),
                out);
        for (String engine : List.of("global-lock", "kernel", "lock-free", "indexed")) {
            assertTrue(out.contains("\n" + engine + ": 53 devices compared, same final state 53 (100%)"), engine);
        }
        String usb = out.lines().filter(l -> l.startsWith("usb0-vbus ")).findFirst().orElseThrow();
        assertTrue(usb.matches("usb0-vbus +reg-fixed-voltage +bound 3 +bound 3 +bound 3 +bound 3 +bound \\d.*"), usb);
        assertEquals("", r.err());
    }

    @Test
    void vexpressAsJson() throws IOException {
        MainTest.Result r = replay(VEXPRESS, VEXPRESS_DTB, "--json", "--probe-micros", "100");
        assertEquals(0, r.status(), r::toString);
        List<String> out = r.out().lines().toList();
        assertEquals(1, out.size(), "the default engine is kernel, one line");
        JsonNode o = MainTest.MAPPER.readTree(out.get(0));
        assertEquals("kernel", o.get("engine").textValue());
        assertEquals(100, o.get("probeMicros").intValue());
        assertEquals(65, o.get("compared").intValue());
        assertEquals(65, o.get("sameFinalState").intValue());
        assertEquals(65, o.get("sameProbeAttempts").intValue());
        assertEquals(65, o.get("devices").size());
        assertEquals(0, o.get("divergences").size());
        JsonNode dma = null;
        for (JsonNode d : o.get("devices")) {
            if (d.get("name").textValue().equals("7ffb0000.dma")) {
                dma = d;
            }
        }
        assertEquals("{\"state\":\"deferred\",\"attempts\":0,\"driver\":null}", dma.get("real").toString());
        assertEquals(dma.get("real"), dma.get("engine"));
        assertTrue(o.get("stats").get("makespanMicros").longValue() > 0);
    }

    // ------------------------------------------------------------------ bad input: one line, exit 2

    @Test
    void missingLogFile() {
        assertBadInput(replay(dir.resolve("nope.log"), ORANGEPI_DTB), "nope.log: no such file");
    }

    @Test
    void emptyLog() throws IOException {
        assertBadInput(replay(write("empty.log", ""), ORANGEPI_DTB), "empty.log: empty file, not a kernel log");
    }

    @Test
    void binaryLog() throws IOException {
        Path p = dir.resolve("binary.log");
        Files.write(p, new byte[] {'a', 0, 1, 2, 3, '\n'});
        assertBadInput(replay(p, ORANGEPI_DTB), "binary.log: ", "binary");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = Files.readAllBytes(ORANGEPI);
        Path p = dir.resolve("cut.dmesg.gz");
        Files.write(p, Arrays.copyOf(gz, gz.length / 2)); // a gzip stream cut in the middle
        assertBadInput(replay(p, ORANGEPI_DTB), "cut.dmesg.gz: ", "gzip");
    }

    @Test
    void foreignText() throws IOException {
        assertBadInput(replay(write("notes.txt", "Dear diary,\ntoday the board booted.\n"), ORANGEPI_DTB),
                "notes.txt: no dd.c probe lines");
    }

    @Test
    void lastLineCut() throws IOException {
        String text = join(lines);
        assertBadInput(replay(write("cut.log", text.substring(0, text.length() - 10)), ORANGEPI_DTB),
                "cut.log: truncated: the last line", "is cut");
    }

    @Test
    void endsDuringAProbe() throws IOException {
        int matched = indexOf("matched device 1c40000.gpu with driver lima");
        assertBadInput(replay(write("mid.log", join(lines.subList(0, matched + 2))), ORANGEPI_DTB),
                "mid.log: truncated: the log ends during 1 probe attempt(s)");
    }

    @Test
    void endsBeforeLateInitcall() throws IOException {
        int late = indexOf("calling  deferred_probe_initcall");
        assertBadInput(replay(write("early.log", join(lines.subList(0, late))), ORANGEPI_DTB),
                "early.log: no \"calling  deferred_probe_initcall\" line");
    }

    @Test
    void doesNotStartAtBoot() throws IOException {
        int populate = indexOf("calling  of_platform_default_populate_init");
        assertBadInput(replay(write("late.log", join(lines.subList(populate, lines.size()))), ORANGEPI_DTB),
                "late.log: does not start at boot");
    }

    @Test
    void withoutInitcallDebug() throws IOException {
        List<String> without = lines.stream().filter(l -> !l.contains("] calling  ") && !l.contains("] initcall "))
                .toList();
        assertBadInput(replay(write("plain.log", join(without)), ORANGEPI_DTB), "plain.log: no initcall_debug lines");
    }

    @Test
    void badBlob() throws IOException {
        assertBadInput(replay(ORANGEPI, write("board.dtb", "not a blob at all\n")), "board.dtb: ");
    }

    @Test
    void missingBlob() {
        assertBadInput(replay(ORANGEPI, dir.resolve("none.dtb")), "none.dtb: no such file");
    }

    @Test
    void anotherBoardsBlob() {
        assertBadInput(replay(ORANGEPI, VEXPRESS_DTB), "orangepi-pc.dmesg.gz: only ",
                "have a node in vexpress-a15.qemu.dtb: a log of another board?");
    }

    @Test
    void badFlags() {
        assertBadInput(run("replay", "--dtb", ORANGEPI_DTB.toString()), "Missing required option: '--log=DMESG'");
        assertBadInput(replay(ORANGEPI, ORANGEPI_DTB, "--engine", "nosuch"), "unknown engine 'nosuch'");
        assertBadInput(replay(ORANGEPI, ORANGEPI_DTB, "--probe-micros", "-1"), "--probe-micros: must be a non-negative");
    }

    @Test
    void gzipOfAGoodLogIsRead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(join(lines).getBytes(StandardCharsets.UTF_8));
        }
        Path p = dir.resolve("again.gz");
        Files.write(p, b.toByteArray());
        Path plain = write("again.log", join(lines));
        for (Path log : List.of(p, plain)) {
            MainTest.Result r = replay(log, ORANGEPI_DTB);
            assertEquals(0, r.status(), r::toString);
            assertTrue(r.out().contains("kernel: 53 devices compared"), r.out());
        }
    }

    private static int indexOf(String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new IllegalStateException(fragment + " not in the log");
    }
}
