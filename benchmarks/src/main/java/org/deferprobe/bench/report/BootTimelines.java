package org.deferprobe.bench.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.bench.Engines;
import org.deferprobe.bench.ReportSink;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.RandomScenarios;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioLoader;
import org.deferprobe.workload.ScenarioRunner;
import org.deferprobe.workload.trace.RunRecorder;
import org.deferprobe.workload.trace.Timeline;
import org.deferprobe.workload.trace.TimelineHtml;

/**
 * The Boot section of report.html: the timeline of one boot per engine, drawn when the report is built. The
 * benchmark's forks record no events (a recorder would add to the makespan they measure), so the report boots the
 * same scenario once more per engine, in its own JVM, on an engine made the way Boot makes it (an executor as wide
 * as the scenario, every thread started first, the run's fw_devlink mode), and draws that boot: one more sample of
 * the same distribution, not the median the table gives.
 */
final class BootTimelines {
    private BootTimelines() {
    }

    /** The section for every Boot parameter combination of the run; empty if the run has no Boot series. */
    static String section(List<Series> series) {
        Map<Map<String, String>, Set<String>> combos = new LinkedHashMap<>();
        for (Series s : series) {
            if (s.benchmark().equals("Boot") && !Engines.isFloor(s.engine())) {
                combos.computeIfAbsent(s.params(), k -> new LinkedHashSet<>()).add(s.engine());
            }
        }
        if (combos.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Boot timelines</h2>\n<p>One boot per engine of the scenario Boot "
                + "measures, run again when this report was built (in the report's JVM, with every event recorded): "
                + "devices top to bottom in order of registration, every probe attempt a bar, the critical path "
                + "outlined. One sample, not the median of the table.</p>\n").append(TimelineHtml.legend());
        combos.forEach((params, engines) -> {
            h.append("<h3>Boot ").append(HtmlReport.esc(ReportSink.key(params))).append("</h3>\n");
            Scenario scenario;
            try {
                scenario = scenario(params);
            } catch (RuntimeException e) {
                h.append("<p>No timeline: the scenario could not be made again here: ").append(HtmlReport.esc(
                        String.valueOf(e.getMessage()))).append("</p>\n");
                return;
            }
            for (String engine : engines) {
                h.append(engineSection(engine, scenario));
            }
        });
        return h.toString();
    }

    /** One engine's boot, drawn; a boot that fails says why instead. */
    static String engineSection(String engine, Scenario scenario) {
        try {
            Run run = boot(engine, scenario);
            return TimelineHtml.section(new TimelineHtml.Run(engine, run.timeline(), run.result()));
        } catch (RuntimeException e) {
            return "<p>No timeline for " + HtmlReport.esc(engine) + ": " + HtmlReport.esc(String.valueOf(e)) + "</p>\n";
        }
    }

    record Run(RunResult result, Timeline timeline) {
    }

    /** One boot on a fresh engine made as Boot makes it; the prestart's throw-away work is left out of the timeline. */
    static Run boot(String engine, Scenario scenario) {
        FwDevlink mode = scenario.fwDevlink() != null ? scenario.fwDevlink() : FwDevlink.ON;
        int threads = Math.max(1, Math.min(scenario.devices().size(), 1024));
        RunRecorder recorder = new RunRecorder();
        EngineConfig config = EngineConfig.defaults().withExecutorThreads(threads).withFwDevlink(mode)
                .withBootPhases(scenario.hasLateInitcall()).withEvents(recorder);
        try (Engine eng = Engines.create(engine, config)) {
            Engines.prestart(eng, threads);
            long from = System.nanoTime();
            RunResult r = new ScenarioRunner(scenario).run(eng, Duration.ofSeconds(120));
            return new Run(r, Timeline.of(scenario, mode, recorder.recording().since(from)));
        }
    }

    /**
     * Boot's scenario for its parameters (as its trial setup makes it): a random graph (seed 2026, fan-in 3) or the
     * device trees of {@code source}, every probe {@code probeMicros}, drivers async when {@code async} >= 0.5 for
     * a tree, and the {@code fwDevlink} mode (on if the run predates that parameter).
     */
    static Scenario scenario(Map<String, String> params) {
        String source = params.getOrDefault("source", "random");
        long probeMicros = Long.parseLong(params.getOrDefault("probeMicros", "1000"));
        double async = Double.parseDouble(params.getOrDefault("async", "1.0"));
        Scenario s;
        if ("random".equals(source)) {
            s = RandomScenarios.generate(2026, Integer.parseInt(params.getOrDefault("devices", "200")), 3, async,
                    probeMicros);
        } else {
            boolean allAsync = async >= 0.5;
            s = ScenarioLoader.load(Path.of(source)).mapDrivers(d -> {
                DriverSpec timed = d.withProbeMicros(probeMicros);
                return allAsync ? timed.async() : timed;
            });
        }
        return s.withFwDevlink(FwDevlink.byName(params.getOrDefault("fwDevlink", "on")));
    }
}
