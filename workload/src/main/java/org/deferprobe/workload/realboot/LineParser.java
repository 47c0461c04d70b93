package org.deferprobe.workload.realboot;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deferprobe.workload.realboot.BootEvent.AddedToDeferredList;
import org.deferprobe.workload.realboot.BootEvent.AsyncAttachCompleted;
import org.deferprobe.workload.realboot.BootEvent.AsyncProbeScheduled;
import org.deferprobe.workload.realboot.BootEvent.CycleDependency;
import org.deferprobe.workload.realboot.BootEvent.CycleFixed;
import org.deferprobe.workload.realboot.BootEvent.CycleMarker;
import org.deferprobe.workload.realboot.BootEvent.LinkRelaxed;
import org.deferprobe.workload.realboot.BootEvent.MovedToEnd;
import org.deferprobe.workload.realboot.BootEvent.NotLinking;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.DeferralRequested;
import org.deferprobe.workload.realboot.BootEvent.DeferredProbePending;
import org.deferprobe.workload.realboot.BootEvent.DeferredTimeoutExtended;
import org.deferprobe.workload.realboot.BootEvent.DeferredTimeoutIgnored;
import org.deferprobe.workload.realboot.BootEvent.DeviceAdded;
import org.deferprobe.workload.realboot.BootEvent.DeviceRemoved;
import org.deferprobe.workload.realboot.BootEvent.FwnodeLinkDropped;
import org.deferprobe.workload.realboot.BootEvent.FwnodeLinked;
import org.deferprobe.workload.realboot.BootEvent.InitStarted;
import org.deferprobe.workload.realboot.BootEvent.InitcallReturn;
import org.deferprobe.workload.realboot.BootEvent.InitcallStart;
import org.deferprobe.workload.realboot.BootEvent.LinkDropped;
import org.deferprobe.workload.realboot.BootEvent.Linked;
import org.deferprobe.workload.realboot.BootEvent.MatchDeferred;
import org.deferprobe.workload.realboot.BootEvent.Matched;
import org.deferprobe.workload.realboot.BootEvent.ProbeBound;
import org.deferprobe.workload.realboot.BootEvent.ProbeFailed;
import org.deferprobe.workload.realboot.BootEvent.ProbeRejected;
import org.deferprobe.workload.realboot.BootEvent.ProbeReturned;
import org.deferprobe.workload.realboot.BootEvent.Probing;
import org.deferprobe.workload.realboot.BootEvent.RemovedFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.RetryingFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.Stamp;
import org.deferprobe.workload.realboot.BootEvent.SupplierNotReady;
import org.deferprobe.workload.realboot.BootEvent.WaitForSupplier;

/**
 * One log line to at most one {@link BootEvent}: first the line's prefixes are taken off (what the
 * kernel's various readers put before a message), then the message is matched against the wording of
 * dd.c, core.c, init/main.c and initcall_debug (quoted in {@link BootEvent}).
 *
 * <p>Prefixes understood, in the order they can appear: a syslog or journal prefix ({@code Nov 21 14:00:01
 * host kernel: }, or the ISO form), a /dev/kmsg record header ({@code 7,1234,5678901,-;}, whose third field
 * is the timestamp in microseconds), util-linux {@code dmesg -x}'s {@code kern  :debug : }, a priority
 * {@code <7>} (dmesg -r, the console with {@code loglevel}), a timestamp {@code [    1.234567]} (or a
 * {@code dmesg -T} date, which gives no timestamp), and a caller id {@code [    T1]}
 * (CONFIG_PRINTK_CALLER). Stateless apart from the device names it is told about; not thread-safe.
 */
final class LineParser {
    private static final Pattern SYSLOG = Pattern.compile(
            "^(?:[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\dT[0-9:.,+\\-]+) \\S+ kernel: ");
    private static final Pattern KMSG = Pattern.compile("^\\d{1,4},\\d+,(\\d+),[^;]*;");
    private static final Pattern FACILITY = Pattern.compile("^[a-z]+ *:[a-z]+ *: ");
    private static final Pattern PRIORITY = Pattern.compile("^<\\d{1,4}>");
    private static final Pattern TIME = Pattern.compile("^\\[\\s*(\\d{1,10})\\.(\\d{1,9})\\]");
    private static final Pattern DATE = Pattern.compile("^\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\]");
    private static final Pattern CALLER = Pattern.compile("^\\[\\s*[TC]\\d+\\]");

    // initcall_debug, init/main.c
    private static final Pattern CALLING = Pattern.compile("^calling\\s+(\\S+?)(?:\\+0x[0-9a-f]+/0x[0-9a-f]+)?(?: \\[(\\S+)\\])? @ \\d+$");
    private static final Pattern INITCALL = Pattern.compile(
            "^initcall (\\S+?)(?:\\+0x[0-9a-f]+/0x[0-9a-f]+)?(?: \\[(\\S+)\\])? returned (-?\\d+) after (\\d+) usecs$");
    private static final Pattern RUN_INIT = Pattern.compile("^Run (\\S+) as init process$");
    // core.c
    private static final Pattern DEVICE_ADD = Pattern.compile("^device: '(.*)': device_add$");
    private static final Pattern DEVICE_UNREGISTER = Pattern.compile("^device: '(.*)': device_unregister$");
    private static final Pattern FWNODE_LINKED = Pattern.compile("^(\\S+) Linked as a fwnode consumer to (\\S+)$");
    private static final Pattern FWNODE_DROPPED = Pattern.compile("^(\\S+) Dropping the fwnode link to (\\S+)$");
    private static final Pattern MOVED = Pattern.compile("^devices_kset: Moving (.+) to end of list$");
    private static final Pattern CYCLE_MARKER = Pattern.compile("^----- cycle: (start|end) -----$");
    private static final Pattern CYCLE_DEPENDS = Pattern.compile("^(/\\S*): cycle: (depends on|child of) (/\\S*)$");
    private static final Pattern CYCLE_FIXED = Pattern.compile("^(/\\S*): Fixed dependency cycle\\(s\\) with (/\\S*)$");
    // dd.c
    private static final Pattern MATCHED = Pattern.compile(
            "^bus: '([^']*)': (?:__)?driver_probe_device: matched device (.+) with driver (.+)$");
    private static final Pattern PROBING = Pattern.compile("^bus: '([^']*)': really_probe: probing driver (.+) with device (.+)$");
    private static final Pattern PROBE_BOUND = Pattern.compile("^bus: '([^']*)': really_probe: bound device (.+) to driver (.+)$");
    private static final Pattern DRIVER_BOUND = Pattern.compile("^driver: '(.*)': driver_bound: bound to device '(.*)'$");
    private static final Pattern PROBE_RETURNED = Pattern.compile("^probe of (.+) returned (-?\\d+) after (\\d+) usecs$");
    private static final Pattern PROBE_FAILED = Pattern.compile("^(.+?): probe of (.+) failed with error (-?\\d+)$");
    private static final Pattern PROBE_REJECTED = Pattern.compile("^(.+?): probe of (.+) rejects match (-?\\d+)$");
    private static final Pattern EXTENDED = Pattern.compile("^Extended deferred probe timeout by (\\d+) secs$");
    /**
     * dev_dbg/dev_info/dev_warn lines: "DRIVER-OR-BUS DEVICE: MESSAGE". The prefix is greedy, so the message
     * starts after the last ": " that leaves a known message (device names may hold ": ").
     */
    private static final Pattern DEV_MESSAGE = Pattern.compile("^(.+): (Device match requests probe deferral"
            + "|Driver .+ requests probe deferral"
            + "|error -EPROBE_DEFER: supplier .+ not ready"
            + "|probe deferral - supplier .+ not ready"
            + "|probe deferral - wait for supplier .+"
            + "|Added to deferred list|Removed from deferred list|Retrying from deferred list"
            + "|deferred probe pending(?:: .*)?"
            + "|deferred probe timeout, ignoring dependency"
            + "|Linked as a (?:sync state only )?consumer to .+"
            + "|Dropping the link to .+"
            + "|Not linking \\S+ - .+"
            + "|Relaxing link with .+"
            + "|probing driver .+ asynchronously"
            + "|scheduling asynchronous probe"
            + "|driver .+ async attach completed: -?\\d+)$");
    private static final Pattern DRIVER_DEFERS = Pattern.compile("^Driver (.+) requests probe deferral$");
    private static final Pattern SUPPLIER = Pattern.compile(
            "^(?:error -EPROBE_DEFER: supplier|probe deferral - supplier) (.+) not ready$");
    private static final Pattern WAIT_SUPPLIER = Pattern.compile("^probe deferral - wait for supplier (.+)$");
    private static final Pattern PENDING = Pattern.compile("^deferred probe pending(?:: (.*))?$");
    private static final Pattern LINKED = Pattern.compile("^Linked as a (sync state only )?consumer to (.+)$");
    private static final Pattern DROPPED = Pattern.compile("^Dropping the link to (.+)$");
    private static final Pattern NOT_LINKING = Pattern.compile("^Not linking (\\S+) - (.+)$");
    private static final Pattern RELAXING = Pattern.compile("^Relaxing link with (.+)$");
    private static final Pattern ASYNC = Pattern.compile("^probing driver (.+) asynchronously$");
    private static final Pattern ASYNC_DONE = Pattern.compile("^driver (.+) async attach completed: (-?\\d+)$");

    /** The message of a line and its timestamp, prefixes removed. */
    record Message(String text, long micros) {
    }

    private LineParser() {
    }

    /** Takes the prefixes off a line (already without its line terminator). */
    static Message strip(String line) {
        String s = line;
        long micros = -1;
        Matcher m = SYSLOG.matcher(s);
        if (m.find()) {
            s = s.substring(m.end());
        }
        m = KMSG.matcher(s);
        if (m.find()) {
            micros = parseLongOr(m.group(1), -1);
            s = s.substring(m.end());
        }
        m = FACILITY.matcher(s);
        if (m.find()) {
            s = s.substring(m.end());
        }
        m = PRIORITY.matcher(s);
        if (m.find()) {
            s = s.substring(m.end());
        }
        m = TIME.matcher(s);
        if (m.find()) {
            micros = micros(m.group(1), m.group(2));
            s = s.substring(m.end());
        } else {
            m = DATE.matcher(s);
            if (m.find()) {
                s = s.substring(m.end());
            }
        }
        m = CALLER.matcher(s);
        if (m.find()) {
            s = s.substring(m.end());
        }
        if (s.startsWith(" ")) {
            s = s.substring(1);
        }
        return new Message(s, micros);
    }

    private static long micros(String seconds, String fraction) {
        long sec = parseLongOr(seconds, -1);
        if (sec < 0) {
            return -1;
        }
        String f = (fraction + "000000").substring(0, 6);
        return sec * 1_000_000L + Long.parseLong(f);
    }

    private static long parseLongOr(String s, long fallback) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * The event a message is, or null for a message this parser does not know. {@code knownDevices} are the
     * device names the log has added so far; they split "DRIVER DEVICE: " prefixes whose names hold spaces.
     */
    static BootEvent parse(String text, Stamp at, Set<String> knownDevices) {
        if (text.isEmpty()) {
            return null;
        }
        Matcher m;
        switch (text.charAt(0)) {
            case 'c' -> {
                if ((m = CALLING.matcher(text)).matches()) {
                    return new InitcallStart(at, m.group(1), m.group(2));
                }
            }
            case 'i' -> {
                if ((m = INITCALL.matcher(text)).matches()) {
                    int result = parseIntOr(m.group(3), Integer.MIN_VALUE);
                    long usecs = parseLongOr(m.group(4), -1);
                    if (result != Integer.MIN_VALUE && usecs >= 0) {
                        return new InitcallReturn(at, m.group(1), m.group(2), result, usecs);
                    }
                }
            }
            case 'R' -> {
                if ((m = RUN_INIT.matcher(text)).matches()) {
                    return new InitStarted(at, m.group(1));
                }
            }
            case 'd' -> {
                if ((m = DEVICE_ADD.matcher(text)).matches()) {
                    return new DeviceAdded(at, m.group(1));
                }
                if ((m = DEVICE_UNREGISTER.matcher(text)).matches()) {
                    return new DeviceRemoved(at, m.group(1));
                }
                if ((m = DRIVER_BOUND.matcher(text)).matches()) {
                    return new Bound(at, m.group(1), m.group(2));
                }
            }
            case 'b' -> {
                if ((m = MATCHED.matcher(text)).matches()) {
                    return new Matched(at, m.group(1), m.group(2), m.group(3));
                }
                if ((m = PROBING.matcher(text)).matches()) {
                    return new Probing(at, m.group(1), m.group(2), m.group(3));
                }
                if ((m = PROBE_BOUND.matcher(text)).matches()) {
                    return new ProbeBound(at, m.group(1), m.group(2), m.group(3));
                }
            }
            case 'p' -> {
                if ((m = PROBE_RETURNED.matcher(text)).matches()) {
                    int result = parseIntOr(m.group(2), Integer.MIN_VALUE);
                    long usecs = parseLongOr(m.group(3), -1);
                    if (result != Integer.MIN_VALUE && usecs >= 0) {
                        return new ProbeReturned(at, m.group(1), result, usecs);
                    }
                }
            }
            case 'E' -> {
                if ((m = EXTENDED.matcher(text)).matches()) {
                    int secs = parseIntOr(m.group(1), -1);
                    if (secs >= 0) {
                        return new DeferredTimeoutExtended(at, secs);
                    }
                }
            }
            default -> {
            }
        }
        if ((m = MOVED.matcher(text)).matches()) {
            return new MovedToEnd(at, m.group(1));
        }
        if ((m = CYCLE_MARKER.matcher(text)).matches()) {
            return new CycleMarker(at, m.group(1).equals("start"));
        }
        if ((m = CYCLE_DEPENDS.matcher(text)).matches()) {
            return new CycleDependency(at, m.group(1), m.group(2), m.group(3));
        }
        if ((m = CYCLE_FIXED.matcher(text)).matches()) {
            return new CycleFixed(at, m.group(1), m.group(2));
        }
        if ((m = FWNODE_LINKED.matcher(text)).matches()) {
            return new FwnodeLinked(at, m.group(1), m.group(2));
        }
        if ((m = FWNODE_DROPPED.matcher(text)).matches()) {
            return new FwnodeLinkDropped(at, m.group(1), m.group(2));
        }
        if (text.contains(": probe of ")) {
            if ((m = PROBE_FAILED.matcher(text)).matches()) {
                int error = parseIntOr(m.group(3), Integer.MIN_VALUE);
                return error == Integer.MIN_VALUE ? null : new ProbeFailed(at, m.group(1), m.group(2), error);
            }
            if ((m = PROBE_REJECTED.matcher(text)).matches()) {
                int error = parseIntOr(m.group(3), Integer.MIN_VALUE);
                return error == Integer.MIN_VALUE ? null : new ProbeRejected(at, m.group(1), m.group(2), error);
            }
        }
        if ((m = DEV_MESSAGE.matcher(text)).matches()) {
            return devMessage(m.group(1), m.group(2), at, knownDevices);
        }
        return null;
    }

    /** A dev_printk line: {@code prefix} is "DRIVER-OR-BUS DEVICE", {@code message} one of DEV_MESSAGE's. */
    private static BootEvent devMessage(String prefix, String message, Stamp at, Set<String> knownDevices) {
        String[] who = splitPrefix(prefix, knownDevices);
        String owner = who[0];
        String device = who[1];
        Matcher m;
        if (message.equals("Device match requests probe deferral")) {
            return new MatchDeferred(at, owner, device);
        }
        if (message.equals("Added to deferred list")) {
            return new AddedToDeferredList(at, device);
        }
        if (message.equals("Removed from deferred list")) {
            return new RemovedFromDeferredList(at, device);
        }
        if (message.equals("Retrying from deferred list")) {
            return new RetryingFromDeferredList(at, device);
        }
        if (message.equals("deferred probe timeout, ignoring dependency")) {
            return new DeferredTimeoutIgnored(at, device);
        }
        if ((m = DRIVER_DEFERS.matcher(message)).matches()) {
            return new DeferralRequested(at, device, m.group(1));
        }
        if ((m = SUPPLIER.matcher(message)).matches()) {
            return new SupplierNotReady(at, device, m.group(1));
        }
        if ((m = WAIT_SUPPLIER.matcher(message)).matches()) {
            return new WaitForSupplier(at, device, m.group(1));
        }
        if ((m = PENDING.matcher(message)).matches()) {
            return new DeferredProbePending(at, device, m.group(1));
        }
        if ((m = LINKED.matcher(message)).matches()) {
            return new Linked(at, device, m.group(2), m.group(1) != null);
        }
        if ((m = DROPPED.matcher(message)).matches()) {
            return new LinkDropped(at, device, m.group(1));
        }
        if ((m = NOT_LINKING.matcher(message)).matches()) {
            return new NotLinking(at, device, m.group(1), m.group(2));
        }
        if ((m = RELAXING.matcher(message)).matches()) {
            return new LinkRelaxed(at, device, m.group(1));
        }
        if ((m = ASYNC.matcher(message)).matches()) {
            return new AsyncProbeScheduled(at, device, m.group(1));
        }
        if (message.equals("scheduling asynchronous probe")) {
            return new AsyncProbeScheduled(at, device, null);
        }
        if ((m = ASYNC_DONE.matcher(message)).matches()) {
            int result = parseIntOr(m.group(2), Integer.MIN_VALUE);
            return result == Integer.MIN_VALUE ? null : new AsyncAttachCompleted(at, device, m.group(1), result);
        }
        throw new IllegalStateException("DEV_MESSAGE matched a message no branch knows: " + message);
    }

    /**
     * "DRIVER-OR-BUS DEVICE" into its two parts (dev_driver_string, dev_name). The device is the longest
     * space-separated suffix that the log has added as a device; failing that, everything after the first
     * space (driver and bus names rarely hold spaces, device names sometimes do: "Fixed MDIO bus.0").
     * A prefix without a space is a device whose driver string is empty.
     */
    static String[] splitPrefix(String prefix, Set<String> knownDevices) {
        for (int i = prefix.indexOf(' '); i >= 0; i = prefix.indexOf(' ', i + 1)) {
            String candidate = prefix.substring(i + 1);
            if (knownDevices.contains(candidate)) {
                return new String[] {prefix.substring(0, i), candidate};
            }
        }
        int space = prefix.indexOf(' ');
        if (space < 0) {
            return new String[] {"", prefix};
        }
        return new String[] {prefix.substring(0, space), prefix.substring(space + 1)};
    }
}
