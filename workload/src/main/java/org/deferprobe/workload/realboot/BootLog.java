package org.deferprobe.workload.realboot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deferprobe.workload.ScenarioException;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.DeferralRequested;
import org.deferprobe.workload.realboot.BootEvent.DeferredProbePending;
import org.deferprobe.workload.realboot.BootEvent.DeviceAdded;
import org.deferprobe.workload.realboot.BootEvent.InitStarted;
import org.deferprobe.workload.realboot.BootEvent.InitcallReturn;
import org.deferprobe.workload.realboot.BootEvent.InitcallStart;
import org.deferprobe.workload.realboot.BootEvent.Linked;
import org.deferprobe.workload.realboot.BootEvent.MatchDeferred;
import org.deferprobe.workload.realboot.BootEvent.Matched;
import org.deferprobe.workload.realboot.BootEvent.Phase;
import org.deferprobe.workload.realboot.BootEvent.ProbeBound;
import org.deferprobe.workload.realboot.BootEvent.ProbeFailed;
import org.deferprobe.workload.realboot.BootEvent.ProbeRejected;
import org.deferprobe.workload.realboot.BootEvent.Probing;
import org.deferprobe.workload.realboot.BootEvent.RetryingFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.Stamp;
import org.deferprobe.workload.realboot.BootEvent.SupplierNotReady;
import org.deferprobe.workload.realboot.BootEvent.WaitForSupplier;

/**
 * A parsed kernel log (dmesg) of a boot with the driver core's dynamic debug on: its events in order, one
 * {@link DeviceHistory} per device, and a {@link BootSummary}.
 *
 * <p>The log is what {@code dmesg} prints, with or without timestamps, with or without {@code <N>} priorities,
 * or what /dev/kmsg, {@code dmesg -x}, journalctl or syslog print (see {@link LineParser}); gzip-compressed or
 * not. A line the parser does not know is skipped and counted ({@link #skipped}). Events keep their line
 * number, timestamp and phase. A log whose last line is cut is read ({@link #truncated} says so); a log that
 * is not usable is refused with a {@link ScenarioException} whose one-line message names the file: missing or
 * unreadable, empty, binary, corrupt gzip, or without any dd.c probe line (a foreign text, or a boot without
 * {@code dyndbg="file drivers/base/dd.c +p"}).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class BootLog {
    /* Implementation notes
     *
     * Phases: INITCALLS until dd.c's deferred_probe_initcall (a late_initcall; the log shows it through
     * initcall_debug's "calling deferred_probe_initcall"), LATE_INITCALL until init/main.c's "Run /init as
     * init process", USERSPACE after. A log without that line enters USERSPACE at the first module initcall.
     * Device names for splitting "DRIVER DEVICE:" prefixes are those of every "device_add" line seen so far:
     * core.c logs device_add before any probe of the device can print.
     */

    private static final Pattern LINUX_VERSION = Pattern.compile("^Linux version (\\S+)");
    private static final String COMMAND_LINE = "Kernel command line: ";
    private static final Pattern TIMEOUT_PARAM = Pattern.compile("(?:^| )deferred_probe_timeout=(-?\\d+)(?= |$)");
    /** dd.c's driver_deferred_probe_timeout in 6.1 with CONFIG_MODULES (Debian's kernels): 10 seconds. */
    static final int DEFAULT_DEFERRED_PROBE_TIMEOUT = 10;
    private static final String DEFERRED_PROBE_INITCALL = "deferred_probe_initcall";

    private final String source;
    private final List<BootEvent> events;
    private final int lines;
    private final int skipped;
    private final boolean truncated;
    private final String kernelRelease;
    private final String commandLine;
    private final Map<String, DeviceHistory> devices;
    private final Set<String> added;
    private final BootSummary summary;
    private final List<String> warnings;
    private final int attemptsWithoutOutcome;
    private final boolean startsAtBoot;
    private final boolean initcallDebug;

    private BootLog(String source, List<BootEvent> events, int lines, int skipped, boolean truncated,
            String kernelRelease, String commandLine, Map<String, DeviceHistory> devices, Set<String> added,
            List<String> warnings, int attemptsWithoutOutcome, boolean startsAtBoot, boolean initcallDebug) {
        this.source = source;
        this.events = Collections.unmodifiableList(events);
        this.lines = lines;
        this.skipped = skipped;
        this.truncated = truncated;
        this.kernelRelease = kernelRelease;
        this.commandLine = commandLine;
        this.devices = Collections.unmodifiableMap(devices);
        this.added = Collections.unmodifiableSet(added);
        this.warnings = List.copyOf(warnings);
        this.attemptsWithoutOutcome = attemptsWithoutOutcome;
        this.startsAtBoot = startsAtBoot;
        this.initcallDebug = initcallDebug;
        this.summary = summarize(events, devices);
    }

    /**
     * Reads and parses a log file (plain or gzip); error messages name it by its file name.
     *
     * @throws ScenarioException if the file cannot be read or is not a usable kernel log (one line)
     */
    public static BootLog read(Path file) {
        Path name = file.getFileName();
        String source = name == null ? file.toString() : name.toString();
        return parse(source, LogInput.read(file, source));
    }

    /**
     * Parses a log in memory (plain or gzip); {@code source} starts every error message.
     *
     * @throws ScenarioException if the bytes are not a usable kernel log (one line)
     */
    public static BootLog parse(String source, byte[] content) {
        return parse(source, LogInput.of(content, source));
    }

    private static BootLog parse(String source, LogInput input) {
        List<BootEvent> events = new ArrayList<>();
        Set<String> added = new LinkedHashSet<>();
        Set<String> known = new HashSet<>();
        HistoryBuilder histories = new HistoryBuilder();
        Phase phase = Phase.INITCALLS;
        int skipped = 0;
        int probeLines = 0;
        String release = null;
        String cmdline = null;
        long firstMicros = -1;
        boolean initcallDebug = false;
        for (int i = 0; i < input.lines.size(); i++) {
            LineParser.Message msg = LineParser.strip(input.lines.get(i));
            if (firstMicros < 0 && msg.micros() >= 0) {
                firstMicros = msg.micros();
            }
            if (release == null) {
                Matcher v = LINUX_VERSION.matcher(msg.text());
                if (v.find()) {
                    release = v.group(1);
                }
            }
            if (cmdline == null && msg.text().startsWith(COMMAND_LINE)) {
                cmdline = msg.text().substring(COMMAND_LINE.length());
            }
            BootEvent e = LineParser.parse(msg.text(), new Stamp(i + 1, msg.micros(), phase), known);
            if (e == null) {
                skipped++;
                continue;
            }
            Phase next = nextPhase(phase, e);
            if (next != phase) {
                // the line that starts a phase belongs to it: parse it again with the new stamp (twice a log)
                phase = next;
                e = LineParser.parse(msg.text(), new Stamp(i + 1, msg.micros(), phase), known);
            }
            if (e instanceof DeviceAdded a) {
                known.add(a.device());
                added.add(a.device());
            }
            if (e instanceof Matched || e instanceof Probing || e instanceof Bound || e instanceof ProbeBound) {
                probeLines++;
            }
            if (e instanceof InitcallStart || e instanceof InitcallReturn) {
                initcallDebug = true;
            }
            events.add(e);
            histories.accept(e);
        }
        if (probeLines == 0) {
            throw new ScenarioException(source, "no dd.c probe lines (\"matched device\", \"probing driver\", "
                    + "\"driver_bound\") among " + input.lines.size() + " lines: not a kernel log, or one captured "
                    + "without dyndbg=\"file drivers/base/dd.c +p; file drivers/base/core.c +p\"");
        }
        Map<String, DeviceHistory> devices = histories.finish();
        List<String> warnings = new ArrayList<>();
        if (input.truncated) {
            warnings.add("the last line is cut (the file does not end with a newline)");
        }
        if (histories.openAtEnd() > 0) {
            warnings.add(histories.openAtEnd() + " probe attempts have no outcome: the log ends during them");
        }
        if (release == null && firstMicros != 0) {
            warnings.add("the log does not start at boot (no \"Linux version\" line, first timestamp "
                    + (firstMicros < 0 ? "none" : String.format("%.6f s", firstMicros / 1e6))
                    + "): early lines are lost; boot with log_buf_len=16M");
        }
        if (!initcallDebug) {
            warnings.add("no initcall_debug lines: phases and probe durations are unknown; boot with initcall_debug");
        }
        return new BootLog(source, events, input.lines.size(), skipped, input.truncated, release, cmdline, devices,
                added, warnings, histories.openAtEnd(), release != null || firstMicros == 0, initcallDebug);
    }

    private static Phase nextPhase(Phase phase, BootEvent e) {
        if (e instanceof InitcallStart s) {
            if (phase == Phase.INITCALLS && s.module() == null && s.function().equals(DEFERRED_PROBE_INITCALL)) {
                return Phase.LATE_INITCALL;
            }
            if (phase != Phase.USERSPACE && s.module() != null) {
                return Phase.USERSPACE;
            }
        }
        if (e instanceof InitStarted) {
            return Phase.USERSPACE;
        }
        return phase;
    }

    private static BootSummary summarize(List<BootEvent> events, Map<String, DeviceHistory> devices) {
        int matched = 0;
        int probing = 0;
        int binds = 0;
        int byDriver = 0;
        int notReady = 0;
        int wait = 0;
        int match = 0;
        int retries = 0;
        int failed = 0;
        int rejected = 0;
        int pending = 0;
        int links = 0;
        for (BootEvent e : events) {
            if (e instanceof Matched) {
                matched++;
            } else if (e instanceof Probing) {
                probing++;
            } else if (e instanceof Bound) {
                binds++;
            } else if (e instanceof DeferralRequested) {
                byDriver++;
            } else if (e instanceof SupplierNotReady) {
                notReady++;
            } else if (e instanceof WaitForSupplier) {
                wait++;
            } else if (e instanceof MatchDeferred) {
                match++;
            } else if (e instanceof RetryingFromDeferredList) {
                retries++;
            } else if (e instanceof ProbeFailed) {
                failed++;
            } else if (e instanceof ProbeRejected) {
                rejected++;
            } else if (e instanceof DeferredProbePending) {
                pending++;
            } else if (e instanceof Linked l && !l.syncStateOnly()) {
                links++;
            }
        }
        int bound = 0;
        int core = 0;
        int everDeferred = 0;
        int stillDeferred = 0;
        for (DeviceHistory d : devices.values()) {
            if (d.finalState() == DeviceHistory.FinalState.BOUND) {
                bound++;
            } else if (d.finalState() == DeviceHistory.FinalState.DEFERRED) {
                stillDeferred++;
            }
            if (d.everDeferred()) {
                everDeferred++;
            }
            core += (int) d.attempts().stream().filter(a -> a.outcome() == ProbeAttempt.Outcome.DEFERRED_BY_CORE).count();
        }
        return new BootSummary(devices.size(), matched, probing, binds, bound, everDeferred, byDriver, notReady, wait, core,
                match, retries, failed, rejected, stillDeferred, pending, links);
    }

    /** The name error messages start with: the file name. */
    public String source() {
        return source;
    }

    /** Every recognized line as an event, in log order. */
    public List<BootEvent> events() {
        return events;
    }

    /** Lines read (the last one counted even when cut). */
    public int lines() {
        return lines;
    }

    /** Lines recognized as events. */
    public int recognized() {
        return lines - skipped;
    }

    /** Lines skipped because the parser does not know them. */
    public int skipped() {
        return skipped;
    }

    /** Whether the last line is cut (the file does not end with a newline). */
    public boolean truncated() {
        return truncated;
    }

    /** The kernel release from the "Linux version" line, or null when the log lacks it. */
    public String kernelRelease() {
        return kernelRelease;
    }

    /** The kernel's command line from the "Kernel command line:" line, or null when the log lacks it. */
    public String commandLine() {
        return commandLine;
    }

    /**
     * The deferred-probe timeout of this boot in seconds: {@code deferred_probe_timeout=} of the command line,
     * else dd.c's default of 6.1 with modules, 10 (a log without a command line is assumed to use the default).
     */
    public int deferredProbeTimeout() {
        if (commandLine != null) {
            Matcher m = TIMEOUT_PARAM.matcher(commandLine);
            if (m.find()) {
                try {
                    return Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    return DEFAULT_DEFERRED_PROBE_TIMEOUT; // the kernel's kstrtoint fails the same way
                }
            }
        }
        return DEFAULT_DEFERRED_PROBE_TIMEOUT;
    }

    /** One history per device the driver-core lines name, by device name, in order of first appearance. */
    public Map<String, DeviceHistory> devices() {
        return devices;
    }

    /** Every name of a "device_add" line (bus devices, class devices, device links), in log order. */
    public Set<String> added() {
        return added;
    }

    /** The counts of the boot. */
    public BootSummary summary() {
        return summary;
    }

    /** Probe attempts the log shows no outcome of: it ends during them (a capture cut short). */
    public int attemptsWithoutOutcome() {
        return attemptsWithoutOutcome;
    }

    /** Whether the log starts at boot: it has the "Linux version" line, or its first timestamp is 0. */
    public boolean startsAtBoot() {
        return startsAtBoot;
    }

    /** Whether the boot had initcall_debug on: the log has "calling"/"initcall ... returned" lines. */
    public boolean hasInitcallDebug() {
        return initcallDebug;
    }

    /** What the reader noticed and the user should know (a cut last line, lost early lines...), one line each. */
    public List<String> warnings() {
        return warnings;
    }
}
