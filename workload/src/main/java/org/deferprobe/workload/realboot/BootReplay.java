package org.deferprobe.workload.realboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioException;
import org.deferprobe.workload.Step;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.devicetree.DeviceTreeNode;
import org.deferprobe.workload.devicetree.DeviceTreeScenario;
import org.deferprobe.workload.realboot.DeviceHistory.FinalState;

/**
 * A real boot as a scenario: the devices that a kernel log and its board's device tree share, their suppliers,
 * the drivers the log shows probing them, registered in the log's order and phase, and what each probe needed as
 * far as the log tells. Running the scenario on an engine and comparing ({@link ReplayComparison}) shows whether
 * the engine ends where the kernel did, with as many probe attempts per device.
 *
 * <p>How the scenario is built (docs/real-boots.md, "Replay", says why each rule follows the kernel):
 * <ul>
 * <li><b>Devices</b>: every device of the tree (docs/scenario-format.md rule 1) whose kernel name
 *     ({@link DeviceNameMap#expectedName}) the log names or adds; a node the kernel gave no device of its own
 *     (interrupt controllers and clocks initialized early, nodes handled by their parent's driver) is left out.
 *     Devices are named by their kernel names, provide their own name, and are registered where the log adds
 *     them: at the top level (of_platform_populate), or by the probe of the innermost device of the scenario
 *     probing at that line (M16: an i2c controller's clients, an mfd's cells).</li>
 * <li><b>Suppliers</b>: the tree's (rules 3-5), less those the log shows the kernel did not link ("Not linking
 *     NODE", a node initialized without a device) or linked only for sync_state, plus any supplier the log shows
 *     holding a probe back ("supplier S not ready").</li>
 * <li><b>Drivers</b>: one per driver the log shows attempting a device of the scenario, matching exactly those
 *     devices (the log does not show a driver's match table), registered at its first attempt's line; async if
 *     the log shows it probing asynchronously. A driver whose probe failed or rejected some devices and not others
 *     is split in two: its failing twin ({@value #FAILS_SUFFIX}) matches those devices.</li>
 * <li><b>Requirements</b>: a probe the driver itself deferred (or the core, pinctrl) requires the device whose
 *     bind the log shows last before its next attempt; one that deferred to the end requires a resource nobody
 *     provides ({@value #UNMET_PREFIX}NAME).</li>
 * <li><b>AMBA</b>: amba_match (drivers/amba/bus.c) defers while it cannot read the peripheral ID, which needs
 *     the device's clocks: a device's supplier deferrals on the amba bus are match deferrals, not attempts. A
 *     device whose match never succeeds (hardware QEMU lacks) gets itself as a supplier and the driver
 *     {@value #AMBA_MATCH}, registered at its first match deferral, so it stays deferred as in the log.</li>
 * <li><b>Steps</b>, in log order: registrations grouped by initcall, each group followed by
 *     {@code wait-for-device-probe} (a boot's modules load one at a time); at deferred_probe_initcall a
 *     {@code late-initcall} with the log's deferred_probe_timeout scaled to milliseconds, then a second trigger and
 *     flush as 6.1 does; where the log shows the timeout firing, a {@code quiesce}, which waits for it.</li>
 * </ul>
 *
 * <p>Immutable and safe to share between threads once built.
 */
public final class BootReplay {
    /* Implementation notes
     *
     * One pass over the events finds each kept device's registration (its first device_add, and who was probing),
     * each driver's first attempt, the late_initcall and the timeout's first line, as anchors with the line and
     * the initcall they happened in. Consecutive anchors of one kind in one initcall make one registration step.
     * A device registered by a probe is a child of the innermost device of the scenario on the log's probe stack
     * ("probing driver" pushes, "probe of X returned"/"driver_bound" pops): probes of software devices in between
     * (vexpress-syscfg under vexpress-sysreg) were registered by that device's probe too, transitively.
     */

    /** The driver that stands for the AMBA bus's match of a device whose peripheral ID is never readable. */
    public static final String AMBA_MATCH = "(amba match)";
    /** Appended to a driver's name for its twin that fails the devices the real driver failed. */
    public static final String FAILS_SUFFIX = " (fails)";
    /** Prefix of the resource a device requires when its driver deferred it to the end: nobody provides it. */
    public static final String UNMET_PREFIX = "unmet: ";
    /** The kernel's deferred_probe_initcall, whose initcall_debug line marks late_initcall. */
    static final String DEFERRED_PROBE_INITCALL = "deferred_probe_initcall";

    /**
     * One device the log and the tree share, with what the kernel did with it.
     *
     * @param name         the kernel's device name, also its name in the scenario
     * @param node         its node's path
     * @param bus          its bus as the log gives it ({@code platform} when no line names it)
     * @param realState    where it ended in the log
     * @param realAttempts its probe attempts in the log ("matched device" lines)
     * @param realProbeCalls its attempts that called the driver's probe ("probing driver" lines)
     * @param realDriver   the driver it was bound to at the end, or null
     * @param realReasons  its deferral reasons in the log, in order ({@link DeviceHistory#deferralReasons})
     * @param matchGated   whether its supplier deferrals stand for its bus's match deferrals (amba), which are no
     *                     probe attempts
     * @param caveats      why the replay may not reproduce it, as far as the builder knows, one line each
     */
    public record Device(String name, String node, String bus, FinalState realState, int realAttempts,
                         int realProbeCalls, String realDriver, List<String> realReasons, boolean matchGated, List<String> caveats) {
        public Device {
            realReasons = List.copyOf(realReasons);
            caveats = List.copyOf(caveats);
        }
    }

    private final BootLog log;
    private final String dtbName;
    private final Map<String, Device> devices;
    private final List<DeviceSpec> specs;
    private final List<DriverSpec> drivers;
    private final Map<String, String> realDriverOf;
    private final List<ReplayTimeline.Group> timeline;
    private final FwDevlink fwDevlink;
    private final List<String> notes;

    BootReplay(ReplayBuilder b) {
        this.log = b.log;
        this.dtbName = b.dtbName;
        this.devices = Collections.unmodifiableMap(b.compared);
        this.specs = List.copyOf(b.specs);
        this.drivers = List.copyOf(b.driverSpecs);
        this.realDriverOf = Map.copyOf(b.realDriverOf);
        this.timeline = List.copyOf(b.timeline.groups());
        this.fwDevlink = b.fwDevlink;
        this.notes = List.copyOf(b.notes);
    }

    /**
     * Reads a log (plain or gzip) and the board's blob, and builds the replay.
     *
     * @throws ScenarioException   if the log is not usable for a replay (one line naming it): bad or foreign
     *                             (see {@link BootLog#read}), cut short, not from the start of the boot, without
     *                             initcall_debug or without late_initcall, or sharing no device with the tree
     * @throws DeviceTreeException if the blob cannot be read or is not valid (one line naming it)
     */
    public static BootReplay read(Path logFile, Path dtb) {
        BootLog log = BootLog.read(logFile);
        checkReplayable(log);
        Path name = dtb.getFileName();
        return of(log, name == null ? dtb.toString() : name.toString(), readBlob(dtb));
    }

    private static byte[] readBlob(Path dtb) {
        Path name = dtb.getFileName();
        String file = name == null ? dtb.toString() : name.toString();
        try {
            if (!Files.isRegularFile(dtb)) {
                throw new DeviceTreeException(file + ": " + (Files.exists(dtb) ? "not a regular file"
                        : "no such file"));
            }
            return Files.readAllBytes(dtb);
        } catch (IOException e) {
            throw new DeviceTreeException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Builds the replay of a parsed log on a blob in memory; {@code dtbName} starts the blob's error messages.
     *
     * @throws ScenarioException   as {@link #read}
     * @throws DeviceTreeException if the blob is not valid
     */
    public static BootReplay of(BootLog log, String dtbName, byte[] blob) {
        checkReplayable(log);
        DeviceTreeNode root = DeviceTreeNode.parse(dtbName, blob);
        Scenario tree = DeviceTreeScenario.fromBlob(dtbName, blob, 0);
        return new ReplayBuilder(log, dtbName, root, tree).build();
    }

    /** What a log must have for a replay, beyond what {@link BootLog} checks: the whole boot, with phases. */
    static void checkReplayable(BootLog log) {
        String src = log.source();
        if (log.truncated()) {
            throw new ScenarioException(src, "truncated: the last line (" + log.lines() + ") is cut, the file does not "
                    + "end with a newline; a replay needs the whole boot");
        }
        if (log.attemptsWithoutOutcome() > 0) {
            throw new ScenarioException(src, "truncated: the log ends during " + log.attemptsWithoutOutcome()
                    + " probe attempt(s) that have no outcome; a replay needs the whole boot");
        }
        if (!log.startsAtBoot()) {
            throw new ScenarioException(src, "does not start at boot (no \"Linux version\" line and the first "
                    + "timestamp is not 0): the early lines are lost (boot with log_buf_len=16M); a replay needs "
                    + "the whole boot");
        }
        if (!log.hasInitcallDebug()) {
            throw new ScenarioException(src, "no initcall_debug lines (\"calling  FN+0x../0x.. @ PID\"): the replay "
                    + "needs them for the order of initcalls and the phases; boot with initcall_debug");
        }
        boolean late = log.events().stream().anyMatch(e -> e instanceof BootEvent.InitcallStart s
                && s.module() == null && s.function().equals(DEFERRED_PROBE_INITCALL));
        if (!late) {
            throw new ScenarioException(src, "no \"calling  " + DEFERRED_PROBE_INITCALL + "\" line: the boot "
                    + "never reached late_initcall, or the log is cut before it; a replay needs the whole boot");
        }
    }

    /** The parsed log. */
    public BootLog log() {
        return log;
    }

    /** The blob's file name. */
    public String dtbName() {
        return dtbName;
    }

    /** The devices the log and the tree share, by kernel name, in the order the log registers them. */
    public Map<String, Device> devices() {
        return devices;
    }

    /** The model's drivers, failing twins and {@value #AMBA_MATCH} included. */
    public List<DriverSpec> drivers() {
        return drivers;
    }

    /** The kernel's name of a model driver (a twin's real driver), or null for {@value #AMBA_MATCH}. */
    public String realDriver(String modelDriver) {
        return realDriverOf.get(modelDriver);
    }

    /** How the scenario was built from the log, one line each (counts and inferences). */
    public List<String> notes() {
        return notes;
    }

    /** The log's deferred_probe_timeout in seconds (0 or less: none). */
    public int deferredProbeTimeoutSeconds() {
        return log.deferredProbeTimeout();
    }

    /**
     * The model's deferred_probe_timeout for a run with every probe taking {@code probeMicros}: long enough that it
     * fires only after the replay's last module (the log's 30 s are the time userspace took to load them; the
     * replay loads them back to back), 0 when the log's boot had none.
     */
    public long modelTimeoutMillis(long probeMicros) {
        if (log.deferredProbeTimeout() <= 0) {
            return 0;
        }
        long attempts = log.summary().probeAttempts();
        return 250 + 4 * attempts * probeMicros / 1000;
    }

    /** The scenario with instant probes. */
    public Scenario scenario() {
        return scenario(0);
    }

    /**
     * The scenario with every driver's probe taking {@code probeMicros} ({@value #AMBA_MATCH} never probes).
     *
     * @throws IllegalArgumentException if {@code probeMicros} is negative
     */
    public Scenario scenario(long probeMicros) {
        if (probeMicros < 0) {
            throw new IllegalArgumentException("probeMicros must not be negative: " + probeMicros);
        }
        List<DriverSpec> ds = drivers.stream().map(d -> d.withProbeMicros(probeMicros)).toList();
        List<Step> steps = ReplayTimeline.steps(timeline, modelTimeoutMillis(probeMicros));
        return new Scenario("replay of " + log.source() + " on " + dtbName, ds, specs, steps, null, fwDevlink);
    }

    /**
     * How many of the model's drivers the log registers before the deferred_probe_timeout fires, or -1 if the log
     * does not show it firing (the replay's then fires after its last step).
     */
    public int driversBeforeTimeout() {
        int n = 0;
        for (ReplayTimeline.Group g : timeline) {
            if (g.kind() == ReplayTimeline.Kind.TIMEOUT) {
                return n;
            }
            if (g.kind() == ReplayTimeline.Kind.DRIVERS) {
                n += g.names().size();
            }
        }
        return -1;
    }

    /** The registration and wait steps with the model's timeout for {@code probeMicros}. */
    List<ReplayTimeline.Group> timeline() {
        return timeline;
    }
}
