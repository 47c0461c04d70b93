package org.deferprobe.stress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.Stats;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.realboot.BootReplay;
import org.deferprobe.workload.realboot.ReplayComparison;
import org.deferprobe.workload.realboot.ReplayComparison.Row;
import org.deferprobe.workload.realboot.ReplayEvents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: a real boot's kernel log and its board's device tree as a scenario ({@link BootReplay}), run
 * on one engine or on every real engine, each device's final state and probe attempts printed beside the real
 * kernel's, then per engine a summary (devices compared, same final state, same probe attempts, every divergence
 * with its likely cause) and what the boot cost (probe calls, deferrals, triggers, passes, makespan at the given
 * probe time). With {@code --json} one object per engine per line.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Replays a real boot's kernel log (dmesg with dd.c/core.c dynamic debug and initcall_debug) "
                + "on the engines and compares each device with the real kernel (docs/real-boots.md).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every engine ran without violation (divergences from the log are reported, not failures)",
                "1:a violation or an error on some engine",
                "2:bad input or usage: a bad, foreign or truncated log, a bad blob (one line on stderr)",
                "3:internal error in the harness"})
final class ReplayCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--log", required = true, paramLabel = "DMESG",
            description = "The kernel log, plain or gzip, of a boot with dyndbg=\"file drivers/base/dd.c +p; file "
                    + "drivers/base/core.c +p\" initcall_debug log_buf_len=16M.")
    Path logFile;

    @Option(names = "--dtb", required = true, paramLabel = "BOARD.dtb",
            description = "The device tree blob the kernel booted with.")
    Path dtb;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "kernel", converter = Engines.class,
            completionCandidates = Engines.Names.class,
            description = "An engine (${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}, the one to check the "
                    + "log against); 'all' runs every real engine in turn.")
    Engines.Choice engine;

    @Option(names = "--json", description = "Print one JSON object per engine, one per line.")
    boolean json;

    @Option(names = "--probe-micros", paramLabel = "N", defaultValue = "0",
            description = "How long every probe takes, for the makespan (default: ${DEFAULT-VALUE}).")
    long probeMicros;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "How long to wait for each step to settle before reporting a violation (default: "
                    + "${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        if (probeMicros < 0) {
            throw new Main.BadInputException("replay: --probe-micros: must be a non-negative integer, got "
                    + probeMicros);
        }
        BootReplay replay;
        try {
            replay = BootReplay.read(logFile, dtb);
        } catch (DeviceTreeException e) {
            throw new Main.BadInputException(e.getMessage());
        }
        Scenario scenario = replay.scenario(probeMicros);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            header(replay, out);
        }
        List<ReplayComparison> results = new ArrayList<>();
        boolean clean = true;
        for (EngineType type : engine.types()) {
            ReplayEvents events = new ReplayEvents();
            RunResult r = RunCommand.supervised(new ScenarioRunner(scenario), type, timeout,
                    EngineConfig.defaults().withEvents(events));
            ReplayComparison c = ReplayComparison.of(replay, r, events);
            results.add(c);
            clean &= c.violations().isEmpty() && c.errors().isEmpty();
            if (json) {
                out.println(jsonLine(replay, c));
                out.flush();
            }
        }
        if (!json) {
            table(replay, results, out);
            for (ReplayComparison c : results) {
                summary(c, out);
            }
            out.flush();
        }
        return clean ? Main.OK : Main.FAILED;
    }

    private void header(BootReplay replay, PrintWriter out) {
        var log = replay.log();
        out.printf("replay: %s (%s, %d lines) on %s%n", log.source(),
                log.kernelRelease() == null ? "kernel unknown" : "Linux " + log.kernelRelease(), log.lines(),
                replay.dtbName());
        for (String n : replay.notes()) {
            out.println("  " + n);
        }
        int t = replay.deferredProbeTimeoutSeconds();
        out.printf("  deferred_probe_timeout: %s; probes take %d us%n", t > 0 ? t + " s in the log, "
                + replay.modelTimeoutMillis(probeMicros) + " ms in the replay" : "none", probeMicros);
        int attempts = 0;
        int calls = 0;
        for (BootReplay.Device d : replay.devices().values()) {
            attempts += d.realAttempts();
            calls += d.realProbeCalls();
        }
        out.printf("  the real boot, on these %d devices: %d probe attempts, %d probe calls%n",
                replay.devices().size(), attempts, calls);
        out.println();
    }

    /** Every device: the real state and attempts, then each engine's; '*' marks a difference. */
    private static void table(BootReplay replay, List<ReplayComparison> results, PrintWriter out) {
        int w = "device".length();
        for (String name : replay.devices().keySet()) {
            w = Math.max(w, name.length());
        }
        int dw = "driver".length();
        for (BootReplay.Device d : replay.devices().values()) {
            dw = Math.max(dw, d.realDriver() == null ? 1 : d.realDriver().length());
        }
        StringBuilder head = new StringBuilder(String.format("%-" + w + "s  %-" + dw + "s  %-18s", "device",
                "driver", "real"));
        for (ReplayComparison c : results) {
            head.append(String.format("  %-18s", c.engine()));
        }
        out.println(head.toString().stripTrailing());
        for (int i = 0; i < replay.devices().size(); i++) {
            Row real = results.get(0).devices().get(i);
            StringBuilder b = new StringBuilder(String.format("%-" + w + "s  %-" + dw + "s  %-18s", real.device(),
                    real.realDriver() == null ? "-" : real.realDriver(),
                    cell(real.realState(), real.realAttempts(), null, true)));
            for (ReplayComparison c : results) {
                Row r = c.devices().get(i);
                boolean same = r.sameFinalState() && r.sameProbeAttempts();
                b.append(String.format("  %-18s", cell(r.engineState(), r.engineAttempts(),
                        r.sameFinalState() || r.engineDriver() == null ? null : r.engineDriver(), same)));
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
    }

    private static String cell(org.deferprobe.workload.realboot.DeviceHistory.FinalState s, int attempts, String driver,
            boolean same) {
        return ReplayComparison.word(s) + " " + attempts + (driver == null ? "" : " " + driver) + (same ? "" : " *");
    }

    private void summary(ReplayComparison c, PrintWriter out) {
        int n = c.compared();
        out.printf("%s: %d devices compared, same final state %d (%s), same probe attempts %d (%s)%n", c.engine(), n,
                c.sameFinalState(), percent(c.sameFinalState(), n), c.sameProbeAttempts(),
                percent(c.sameProbeAttempts(), n));
        Stats s = c.stats();
        out.printf("  cost: %d probe calls; deferrals: %d in probe, %d on a supplier before it; %d triggers, "
                + "%d passes; makespan %s at %d us per probe%n", s.probeCalls(), s.deferrals(), s.supplierDeferrals(),
                s.triggers(), s.passes(), millis(c.makespanMicros()), probeMicros);
        if (c.divergences().isEmpty()) {
            out.println("  divergences: none");
        }
        for (ReplayComparison.Divergence d : c.divergences()) {
            out.printf("  divergence: %s: %s; likely cause: %s%n", d.device(), d.what(), d.cause());
        }
        c.warnings().forEach(w -> out.println("  warning: " + w));
        c.violations().forEach(v -> out.println("  violation: " + v));
        c.errors().forEach(e -> out.println("  error: " + e));
    }

    private static String percent(int k, int n) {
        return n == 0 ? "-" : String.format("%.0f%%", 100.0 * k / n);
    }

    private static String millis(long us) {
        return String.format("%.1f ms", us / 1000.0);
    }

    /** One engine's comparison as a JSON line. */
    String jsonLine(BootReplay replay, ReplayComparison c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("log", replay.log().source());
        o.put("dtb", replay.dtbName());
        o.put("engine", c.engine());
        o.put("probeMicros", probeMicros);
        o.put("compared", c.compared());
        o.put("sameFinalState", c.sameFinalState());
        o.put("sameProbeAttempts", c.sameProbeAttempts());
        ArrayNode devices = o.putArray("devices");
        for (Row r : c.devices()) {
            ObjectNode d = devices.addObject();
            d.put("name", r.device());
            d.put("node", r.node());
            d.put("bus", r.bus());
            d.set("real", side(r.realState(), r.realAttempts(), r.realDriver()));
            d.set("engine", side(r.engineState(), r.engineAttempts(), r.engineDriver()));
            d.put("sameFinalState", r.sameFinalState());
            d.put("sameProbeAttempts", r.sameProbeAttempts());
        }
        ArrayNode divergences = o.putArray("divergences");
        for (ReplayComparison.Divergence d : c.divergences()) {
            divergences.addObject().put("device", d.device()).put("what", d.what()).put("cause", d.cause());
        }
        ObjectNode stats = o.putObject("stats");
        stats.put("probeCalls", c.stats().probeCalls());
        stats.put("binds", c.stats().binds());
        stats.put("deferrals", c.stats().deferrals());
        stats.put("supplierDeferrals", c.stats().supplierDeferrals());
        stats.put("failures", c.stats().failures());
        stats.put("triggers", c.stats().triggers());
        stats.put("passes", c.stats().passes());
        stats.put("makespanMicros", c.makespanMicros());
        o.set("warnings", strings(c.warnings()));
        o.set("violations", strings(c.violations()));
        o.set("errors", strings(c.errors()));
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode side(org.deferprobe.workload.realboot.DeviceHistory.FinalState s, int attempts,
            String driver) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("state", ReplayComparison.word(s));
        o.put("attempts", attempts);
        if (driver == null) {
            o.putNull("driver");
        } else {
            o.put("driver", driver);
        }
        return o;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
    }
}
