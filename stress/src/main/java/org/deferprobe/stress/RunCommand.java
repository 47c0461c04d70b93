package org.deferprobe.stress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioLoader;
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.trace.ChromeTrace;
import org.deferprobe.workload.trace.Recording;
import org.deferprobe.workload.trace.RunRecorder;
import org.deferprobe.workload.trace.Timeline;
import org.deferprobe.workload.trace.TimelineHtml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}: one scenario on one engine or on every real engine, each on a fresh engine, one after another.
 * Prints a summary per engine, or with {@code --json} one JSON object per engine per line (the fields and
 * their order are the contract of docs/scenario-format.md; {@code errors} and {@code mismatches} follow).
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a scenario on an engine (or on every real engine) and checks its expectations.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:all ran with no violation and every expectation met",
                "1:a violation or an unmet expectation on some engine",
                "2:bad input or usage (one line on stderr)",
                "3:internal error in the harness"})
final class RunCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", required = true, paramLabel = "FILE",
            description = "A scenario: .json (format 1), .dtb (a flattened device tree), or a directory of .dtb "
                    + "files (a rack: every board in one engine).")
    Path scenarioFile;

    @Option(names = "--engine", required = true, paramLabel = "NAME", converter = Engines.class,
            completionCandidates = Engines.Names.class,
            description = "An engine (${COMPLETION-CANDIDATES}); 'all' runs every real engine in turn.")
    Engines.Choice engine;

    @Option(names = "--json", description = "Print one JSON object per engine, one per line.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "How long to wait for quiescence before reporting a violation (default: ${DEFAULT-VALUE}); "
                    + "e.g. 500ms, 60s, 2m.")
    Duration timeout;

    @Option(names = "--probe-micros", paramLabel = "N",
            description = "Device trees only: sets probeMicros of every driver.")
    Long probeMicros;

    @Option(names = "--fw-devlink", paramLabel = "MODE", converter = FwDevlinkMode.class,
            description = "fw_devlink mode for the devices' suppliers: on (the kernel's default), permissive, off; "
                    + "overrides the scenario's own \"fwDevlink\".")
    FwDevlink fwDevlink;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Also write the run as a Chrome Trace Event Format file, for Perfetto's UI or "
                    + "chrome://tracing: a process per engine, a track per thread, a slice per probe attempt and "
                    + "deferred pass, instants for triggers, publications and supplier deferrals, arrows from a "
                    + "supplier's bind or a resource's publication to each consumer's bind.")
    Path traceFile;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write the run's timeline as one self-contained HTML page: per engine, every "
                    + "device's probe attempts (bound, deferred, failed) over time, and the critical path.")
    Path htmlFile;

    @Override
    public Integer call() {
        Scenario scenario = load(spec, scenarioFile, probeMicros, fwDevlink);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println("scenario: " + scenario.name() + " (" + scenarioFile + ")");
        }
        ScenarioRunner runner = new ScenarioRunner(scenario);
        boolean passed = true;
        Outputs outputs = new Outputs(traceFile, htmlFile, scenario, scenarioFile);
        try (outputs) {
            for (EngineType type : engine.types()) {
                RunRecorder recorder = outputs.wanted() ? new RunRecorder() : null;
                RunResult r = supervised(runner, type, timeout, recorder == null ? EngineConfig.defaults()
                        : EngineConfig.defaults().withEvents(recorder));
                out.println(json ? jsonLine(r) : summary(r));
                out.flush();
                passed &= r.passed();
                if (recorder != null) {
                    outputs.add(type, r, recorder.recording());
                }
            }
        }
        if (!json) {
            outputs.written().forEach(out::println);
        }
        return passed ? Main.OK : Main.FAILED;
    }

    /**
     * The files of --trace and --html: the trace is opened before the first run (a path that cannot be written is
     * bad input before anything ran) and streamed run by run; the timeline's sections are drawn after each run, so
     * only one run's recording is held at a time, and the page is written at the end.
     */
    static final class Outputs implements AutoCloseable {
        private final Path html;
        private final Path traceFile;
        private final Scenario scenario;
        private final Path scenarioFile;
        private final ChromeTrace trace;
        private final java.util.List<String> sections = new java.util.ArrayList<>();
        private final java.util.List<String> written = new java.util.ArrayList<>();

        Outputs(Path traceFile, Path html, Scenario scenario, Path scenarioFile) {
            this.traceFile = traceFile;
            this.html = html;
            this.scenario = scenario;
            this.scenarioFile = scenarioFile;
            if (html != null) {
                Path dir = html.toAbsolutePath().getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new Main.BadInputException("--html " + html + ": no such directory " + dir);
                }
            }
            ChromeTrace t = null;
            if (traceFile != null) {
                try {
                    t = new ChromeTrace(new BufferedOutputStream(Files.newOutputStream(traceFile), 1 << 16),
                            Map.of("scenario", scenario.name(), "source", String.valueOf(scenarioFile),
                                    "generator", "deferprobe stress run --trace"));
                } catch (IOException e) {
                    throw new Main.BadInputException("--trace " + traceFile + ": cannot write: " + e.getMessage());
                }
            }
            this.trace = t;
        }

        boolean wanted() {
            return trace != null || html != null;
        }

        void add(EngineType type, RunResult r, Recording recording) {
            Timeline timeline = Timeline.of(scenario, FwDevlink.ON, recording);
            if (trace != null) {
                try {
                    trace.add(type.engineName(), timeline);
                } catch (IOException e) {
                    throw new Main.BadInputException("--trace " + traceFile + ": cannot write: " + e.getMessage());
                }
            }
            if (html != null) {
                sections.add(TimelineHtml.section(new TimelineHtml.Run(type.engineName(), timeline, r)));
            }
        }

        java.util.List<String> written() {
            return written;
        }

        @Override
        public void close() {
            try {
                if (trace != null) {
                    trace.close();
                    written.add("trace: wrote " + traceFile + " (" + trace.eventsWritten() + " events; open it in "
                            + "Perfetto's UI or chrome://tracing)");
                }
                if (html != null && !sections.isEmpty()) {
                    Files.writeString(html, TimelineHtml.page("Timeline: " + scenario.name(),
                            java.util.List.of("scenario: " + scenarioFile, "time 0 is the start of each engine's run"),
                            sections), StandardCharsets.UTF_8);
                    written.add("timeline: wrote " + html);
                }
            } catch (IOException e) {
                throw new Main.BadInputException("cannot write " + (html != null ? html : traceFile) + ": "
                        + e.getMessage());
            }
        }
    }

    /**
     * One engine, watched so that the run never hangs: the runner ends a livelock (B5) itself; a run that makes
     * no progress for a second is searched for a deadlock in its threads' wait-for graph, and ends with it if
     * one is found; a lockdep-style validator (with acquisition sites) reports a recursive acquisition or a lock
     * order inversion first, before the deadlock it leads to.
     */
    static RunResult supervised(ScenarioRunner runner, EngineType type, Duration timeout) {
        return supervised(runner, type, timeout, EngineConfig.defaults());
    }

    /** The same, on an engine made from {@code base} (its events, say) with the lock-order validator added. */
    static RunResult supervised(ScenarioRunner runner, EngineType type, Duration timeout, EngineConfig base) {
        LockOrderValidator lockdep = new LockOrderValidator(true);
        java.util.Set<Long> before = ThreadDumps.liveThreadIds();
        ScenarioRunner.Watch deadlocks = (millisWithoutProgress, steps) -> {
            if (millisWithoutProgress < 1_000) {
                return null;
            }
            ThreadDumps.Deadlock d = ThreadDumps.find(id -> !before.contains(id), lockdep::heldBy);
            return d == null ? null : "deadlock: " + d.threads().size() + " threads stuck: "
                    + String.join(", ", d.threads().subList(0, Math.min(4, d.threads().size())))
                    + (d.threads().size() > 4 ? ", ..." : "");
        };
        RunResult r = runner.runSupervised(type, base.withLockObserver(lockdep), timeout, deadlocks);
        java.util.List<String> first = new java.util.ArrayList<>();
        lockdep.drainRecursions().forEach(line -> first.add("recursive-locking: " + line));
        lockdep.drainInversions().forEach(line -> first.add("lock-order: " + line));
        return r.withViolationsFirst(first);
    }

    /** Every driver with {@code probeMicros} set, those its probe registers included. */
    /** The scenario file with the command line's --probe-micros (device trees only) and --fw-devlink applied. */
    static Scenario load(CommandSpec spec, Path file, Long probeMicros, FwDevlink fwDevlink) {
        if (probeMicros != null && probeMicros < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--probe-micros: must be a non-negative integer, got " + probeMicros);
        }
        Scenario scenario = ScenarioLoader.load(file);
        if (probeMicros != null) {
            if (!ScenarioLoader.isDeviceTree(file)) {
                throw new Main.BadInputException(file + ": --probe-micros applies to device-tree (.dtb) "
                        + "scenarios only, and this is a JSON scenario (set probeMicros per driver instead)");
            }
            scenario = withProbeMicros(scenario, probeMicros);
        }
        return fwDevlink != null ? scenario.withFwDevlink(fwDevlink) : scenario;
    }

    static Scenario withProbeMicros(Scenario s, long micros) {
        return s.mapDrivers(d -> d.withProbeMicros(micros));
    }

    /** The contract's JSON line: fields in the documented order, then errors and mismatches. */
    static String jsonLine(RunResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("scenario", r.scenario());
        o.put("engine", r.engine());
        o.put("devices", r.devices());
        o.set("bound", array(r.bound()));
        ObjectNode deferred = o.putObject("deferred");
        new TreeMap<>(r.deferred()).forEach(deferred::put);
        o.set("failed", array(r.failed()));
        o.set("unbound", array(r.unbound()));
        ObjectNode stats = o.putObject("stats");
        stats.put("probeCalls", r.stats().probeCalls());
        stats.put("binds", r.stats().binds());
        stats.put("deferrals", r.stats().deferrals());
        stats.put("triggers", r.stats().triggers());
        stats.put("passes", r.stats().passes());
        stats.put("makespanMicros", r.makespanMicros());
        stats.put("supplierDeferrals", r.stats().supplierDeferrals());
        o.set("violations", array(r.violations()));
        if (r.expectationsMet() == null) {
            o.putNull("expectationsMet");
        } else {
            o.put("expectationsMet", r.expectationsMet());
        }
        o.set("errors", array(r.errors()));
        o.set("mismatches", array(r.mismatches()));
        RunResult.BindLatency l = r.bindLatency();
        if (l == null) {
            o.putNull("bindLatencyMicros");
        } else {
            ObjectNode lat = o.putObject("bindLatencyMicros");
            lat.put("binds", l.binds());
            lat.put("p50", l.p50Micros());
            lat.put("p99", l.p99Micros());
            lat.put("max", l.maxMicros());
            lat.putObject("worst").put("device", l.worstDevice()).put("micros", l.worstMicros());
            ObjectNode atTimeout = lat.putObject("boundOnlyAtTimeout");
            l.atTimeout().forEach(atTimeout::put);
        }
        ObjectNode pending = o.putObject("deferredProbePending");
        new TreeMap<>(r.deferredProbePending()).forEach(pending::put);
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode array(Collection<String> values) {
        ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static String micros(long us) {
        return us >= 10_000 ? String.format("%.1f ms", us / 1000.0) : us + " us";
    }

    /** A few readable lines: verdict and counts first, then why it failed. */
    static String summary(RunResult r) {
        String verdict = r.passed() ? (r.expectationsMet() == null ? "PASS (no expect)" : "PASS") : "FAIL";
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-12s %s  %d devices: %d bound, %d deferred, %d failed, %d unbound; makespan %.3f ms",
                r.engine(), verdict, r.devices(), r.bound().size(), r.deferred().size(), r.failed().size(),
                r.unbound().size(), r.makespanMicros() / 1000.0));
        b.append(String.format("%n  stats: %d probe calls, %d binds, %d deferrals, %d triggers, %d passes",
                r.stats().probeCalls(), r.stats().binds(), r.stats().deferrals(), r.stats().triggers(),
                r.stats().passes()));
        if (r.stats().supplierDeferrals() > 0) {
            b.append(String.format(", %d supplier deferrals (no probe called)", r.stats().supplierDeferrals()));
        }
        RunResult.BindLatency l = r.bindLatency();
        if (l != null) {
            b.append(String.format("%n  bind latency (after everything needed was there): p50 %s, p99 %s, max %s (%s)",
                    micros(l.p50Micros()), micros(l.p99Micros()), micros(l.maxMicros()), l.worstDevice()));
            l.atTimeout().forEach((device, us) -> b.append(String.format("%n  bound only at the deferred_probe_timeout: "
                    + "%s, %s after everything it needed was there (nothing else retried it)", device, micros(us))));
        }
        new TreeMap<>(r.deferredProbePending()).forEach((device, reason) ->
                b.append("%n  deferred probe pending: ".formatted()).append(device).append(": ").append(reason));
        for (Map.Entry<String, String> e : new TreeMap<>(r.deferred()).entrySet()) {
            b.append("%n  deferred: ".formatted()).append(e.getKey()).append(" (").append(e.getValue()).append(')');
        }
        r.mismatches().forEach(m -> b.append("%n  mismatch: ".formatted()).append(m));
        r.violations().forEach(v -> b.append("%n  violation: ".formatted()).append(v));
        r.errors().forEach(e -> b.append("%n  error: ".formatted()).append(e));
        return b.toString();
    }
}
