package org.deferprobe.workload.realboot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The logs and blobs captured by scripts/realboot/capture.sh, checked in under src/test/resources/realboot. */
final class Captured {
    static final List<String> BOARDS = List.of("orangepi-pc", "vexpress-a15", "raspi2b");

    private Captured() {
    }

    static Path file(String name) {
        URL url = Captured.class.getResource("/realboot/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource realboot/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path log(String board) {
        return file(board + ".dmesg.gz");
    }

    /** The blob of the kernel package. */
    static Path dtb(String board) {
        return file(board + ".dtb");
    }

    /** The blob as QEMU handed it to the kernel. */
    static Path bootedDtb(String board) {
        return file(board + ".qemu.dtb");
    }

    /** The log's lines, decompressed, independently of the parser's reader. */
    static List<String> lines(String board) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(log(board))))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
