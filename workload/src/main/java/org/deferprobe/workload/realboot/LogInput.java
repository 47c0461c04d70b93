package org.deferprobe.workload.realboot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.deferprobe.workload.ScenarioException;

/**
 * A log file's bytes as text lines, or a {@link ScenarioException} naming the file: missing, unreadable,
 * too large, empty, corrupt gzip, or binary. A gzip file (by its magic bytes, whatever its name) is
 * decompressed. Text is UTF-8; an invalid sequence becomes U+FFFD (kernel logs are mostly ASCII, and a
 * driver may print anything). The last line may lack its newline: {@link #truncated} says so.
 */
final class LogInput {
    /** Largest log read, compressed or not; a 16 MiB log buffer dumps as text well under this. */
    static final long MAX_BYTES = 256L << 20;

    final List<String> lines;
    /** True when the file does not end with a newline: its last line was cut. */
    final boolean truncated;

    private LogInput(List<String> lines, boolean truncated) {
        this.lines = lines;
        this.truncated = truncated;
    }

    static LogInput read(Path file, String source) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ScenarioException(source, Files.exists(file) ? "not a regular file" : "no such file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ScenarioException(source, "file is " + size + " bytes, more than the " + MAX_BYTES
                        + " a kernel log may have");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ScenarioException(source, "cannot read: " + e.getMessage());
        }
        return of(bytes, source);
    }

    static LogInput of(byte[] bytes, String source) {
        byte[] text = isGzip(bytes) ? gunzip(bytes, source) : bytes;
        if (text.length == 0) {
            throw new ScenarioException(source, "empty file, not a kernel log");
        }
        checkText(text, source);
        String all;
        try {
            all = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder threw", e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length(); i++) {
            if (all.charAt(i) == '\n') {
                lines.add(withoutCr(all.substring(start, i)));
                start = i + 1;
            }
        }
        boolean truncated = start < all.length();
        if (truncated) {
            lines.add(withoutCr(all.substring(start)));
        }
        return new LogInput(lines, truncated);
    }

    private static String withoutCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    private static byte[] gunzip(byte[] bytes, String source) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > MAX_BYTES) {
                    throw new ScenarioException(source, "gzip data decompresses to more than " + MAX_BYTES
                            + " bytes, more than a kernel log may have");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ScenarioException(source, "gzip data is corrupt or truncated: " + e.getMessage());
        }
    }

    /**
     * Text, not binary: no NUL byte, and control bytes other than tab, CR, LF and ESC (colour codes of a
     * console capture) are at most 1 in 100 bytes.
     */
    private static void checkText(byte[] text, String source) {
        int controls = 0;
        int line = 1;
        for (int i = 0; i < text.length; i++) {
            int b = text[i] & 0xff;
            if (b == '\n') {
                line++;
            } else if (b == 0) {
                throw new ScenarioException(source, "line " + line, "binary data (a NUL byte at offset 0x"
                        + Integer.toHexString(i) + "), not a kernel log");
            } else if ((b < 0x20 && b != '\t' && b != '\r' && b != 0x1b) || b == 0x7f) {
                controls++;
            }
        }
        if (controls * 100L > text.length) {
            throw new ScenarioException(source, "binary data (" + controls + " control bytes in " + text.length
                    + "), not a kernel log");
        }
    }
}
