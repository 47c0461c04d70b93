package org.deferprobe.workload.devicetree;

/**
 * A device tree blob that cannot be loaded: truncated, corrupt, unreadable, or not a blob at all.
 *
 * <p>The message is one line meant for users as it is: it starts with the file name and says what is wrong
 * and where, with offsets in hex (for example {@code board.dtb: structure block: property at offset 0x1a4
 * has length 4096 beyond the block end 0x200}). Callers print it and exit with status 2; they never need
 * the stack trace.
 */
public final class DeviceTreeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeviceTreeException(String message) {
        super(oneLine(message));
    }

    public DeviceTreeException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Control characters (a newline in a file name or an I/O message) shown as \xNN: the message stays one line. */
    private static String oneLine(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
