package org.deferprobe.stress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioLoader;
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.explain.Explainer;
import org.deferprobe.workload.explain.Explanation;
import org.deferprobe.workload.trace.RunRecorder;
import org.deferprobe.workload.trace.Timeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code explain}: runs a scenario and, for every device still deferred (or each device named), prints the chain down
 * to its root causes ({@link Explainer}). Text, or with {@code --json} one JSON object per engine per line.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a scenario and explains why each device still deferred (or each DEVICE named) is: "
                + "what it waits for, who should provide it and that device's state, recursively, down to a cause "
                + "you can act on (no driver, a failed probe, no provider, a cycle, a late publication nothing "
                + "triggered for, a device not registered).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing is deferred (of the devices named, if any)",
                "1:some device is deferred",
                "2:bad input or usage (one line on stderr)",
                "3:internal error in the harness"})
final class ExplainCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", required = true, paramLabel = "FILE",
            description = "A scenario: .json (format 1), .dtb, or a directory of .dtb files (a rack).")
    Path scenarioFile;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "kernel", converter = Engines.class,
            completionCandidates = Engines.Names.class,
            description = "The engine to run it on (default: ${DEFAULT-VALUE}, which behaves as Linux does, B2 "
                    + "included); 'all' explains it on every real engine in turn.")
    Engines.Choice engine;

    @Parameters(paramLabel = "DEVICE", arity = "0..*",
            description = "Devices to explain (default: every device still deferred).")
    List<String> devices = List.of();

    @Option(names = "--json", description = "Print one JSON object per engine, one per line.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "How long to wait for quiescence (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--probe-micros", paramLabel = "N", description = "Device trees only: sets probeMicros of every driver.")
    Long probeMicros;

    @Option(names = "--fw-devlink", paramLabel = "MODE", converter = FwDevlinkMode.class,
            description = "fw_devlink mode: on (the kernel's default), permissive, off; overrides the scenario's own.")
    FwDevlink fwDevlink;

    @Override
    public Integer call() {
        Scenario scenario = RunCommand.load(spec, scenarioFile, probeMicros, fwDevlink);
        Set<String> known = scenario.everyDevice().keySet();
        for (String d : devices) {
            if (!known.contains(d)) {
                throw new Main.BadInputException(scenarioFile + ": no device " + d + " in the scenario");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println("scenario: " + scenario.name() + " (" + scenarioFile + ")");
        }
        ScenarioRunner runner = new ScenarioRunner(scenario);
        boolean deferred = false;
        for (EngineType type : engine.types()) {
            RunRecorder recorder = new RunRecorder();
            RunResult r = RunCommand.supervised(runner, type, timeout, EngineConfig.defaults().withEvents(recorder));
            Timeline timeline = Timeline.of(scenario, FwDevlink.ON, recorder.recording());
            Explanation x = Explainer.explain(r, timeline, type, devices);
            out.print(json ? jsonLine(x) + System.lineSeparator() : Explainer.text(x));
            out.flush();
            deferred |= devices.isEmpty() ? !r.deferred().isEmpty() : devices.stream().anyMatch(r.deferred()::containsKey);
        }
        return deferred ? Main.FAILED : Main.OK;
    }

    static String jsonLine(Explanation x) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("scenario", x.scenario());
        o.put("engine", x.engine());
        o.put("devices", x.devices());
        o.put("deferred", x.deferred());
        ArrayNode explained = o.putArray("explained");
        for (Explanation.Device d : x.devicesExplained()) {
            ObjectNode e = explained.addObject();
            e.put("device", d.device());
            ArrayNode causes = e.putArray("causes");
            d.causes().forEach(c -> causes.add(cause(c)));
            e.set("chain", node(d.chain()));
        }
        ArrayNode violations = o.putArray("violations");
        x.violations().forEach(violations::add);
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode cause(Explanation.Cause c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", c.kind().id());
        if (c.device() != null) {
            o.put("device", c.device());
        }
        if (c.resource() != null) {
            o.put("resource", c.resource());
        }
        if (!c.members().isEmpty()) {
            ArrayNode m = o.putArray("members");
            c.members().forEach(m::add);
        }
        o.put("text", c.text());
        return o;
    }

    private static ObjectNode node(Explanation.Node n) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("device", n.device());
        o.put("state", n.state());
        if (n.reason() != null) {
            o.put("reason", n.reason());
        }
        if (n.waitsFor() != null) {
            ObjectNode w = o.putObject("waitsFor");
            w.put("kind", n.waitsFor().kind());
            w.put("name", n.waitsFor().name());
            ArrayNode p = w.putArray("providers");
            n.waitsFor().providers().forEach(p::add);
        }
        if (n.cause() != null) {
            o.set("cause", cause(n.cause()));
        }
        if (n.seeAbove()) {
            o.put("seeAbove", true);
        }
        ArrayNode next = o.putArray("next");
        n.next().forEach(c -> next.add(node(c)));
        return o;
    }
}
