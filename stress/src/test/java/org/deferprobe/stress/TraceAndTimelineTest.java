package org.deferprobe.stress;

import static org.deferprobe.stress.MainTest.MAPPER;
import static org.deferprobe.stress.MainTest.SCENARIOS;
import static org.deferprobe.stress.MainTest.assertBadInput;
import static org.deferprobe.stress.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.deferprobe.workload.trace.TimelineHtml;
import org.deferprobe.workload.trace.TraceCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --trace} and {@code run --html}: the trace of the example board conforms to the Trace Event Format
 * (checked by {@link TraceCheck}) and says what the run did; the timeline is one self-contained page that headless
 * Chromium draws with every outcome's colour and the critical path.
 */
class TraceAndTimelineTest {
    static final Path BOARD = SCENARIOS.resolve("devicetree").resolve("example-board.dtb");
    static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));

    /**
     * All three outcomes and fw_devlink's deferral: card defers on codec's resource, codec on its supplier clk
     * (no probe called), broken fails, clk binds and the passes bind codec and then card.
     */
    static final String MIXED = """
            {"format": 1, "name": "mixed outcomes",
             "drivers": [{"name": "card", "probeMicros": 3000}, {"name": "codec", "probeMicros": 3000},
                         {"name": "broken", "fails": true, "probeMicros": 3000}, {"name": "clk", "probeMicros": 3000}],
             "devices": [{"name": "card", "requires": ["codec"]}, {"name": "codec", "suppliers": ["clk"]},
                         {"name": "broken"}, {"name": "clk"}],
             "steps": [{"op": "register-devices"}, {"op": "register-drivers", "names": ["card", "codec", "broken", "clk"]},
                       {"op": "quiesce"}]}""";

    @TempDir
    Path dir;

    Path mixed() throws IOException {
        Path f = dir.resolve("mixed.json");
        Files.writeString(f, MIXED);
        return f;
    }

    static JsonNode events(Path trace) throws IOException {
        return MAPPER.readTree(trace.toFile()).get("traceEvents");
    }

    @Test
    void theExampleBoardsTraceConformsAndShowsEveryProbeOnEveryEngine() throws IOException {
        Path trace = dir.resolve("board.trace.json");
        MainTest.Result r = run("run", "--scenario", BOARD.toString(), "--engine", "all", "--trace", trace.toString());
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("trace: wrote " + trace), r::toString);
        TraceCheck.Result check = TraceCheck.check(trace);
        assertEquals(List.of(), check.problems(), check::summary);
        Map<Integer, String> processes = new HashMap<>();
        Map<Integer, Set<String>> probed = new HashMap<>();
        Set<String> threads = new HashSet<>();
        int flows = 0;
        for (JsonNode e : events(trace)) {
            String ph = e.get("ph").asText();
            int pid = e.get("pid").asInt();
            if (ph.equals("M") && e.get("name").asText().equals("process_name")) {
                processes.put(pid, e.get("args").get("name").asText());
            } else if (ph.equals("M") && e.get("name").asText().equals("thread_name")) {
                threads.add(e.get("args").get("name").asText());
            } else if (ph.equals("X") && e.get("cat").asText().equals("probe")) {
                assertTrue(e.get("args").hasNonNull("driver") && e.get("args").hasNonNull("outcome"), e::toString);
                probed.computeIfAbsent(pid, k -> new HashSet<>()).add(e.get("name").asText());
            } else if (ph.equals("s")) {
                flows++;
            }
        }
        assertEquals(Map.of(1, "global-lock", 2, "kernel", 3, "lock-free", 4, "indexed"), processes);
        for (int pid = 1; pid <= 4; pid++) {
            assertEquals(11, probed.get(pid).size(), "every device of the board probed, as a slice named after it");
            assertTrue(probed.get(pid).contains("/soc/mmc@7000"));
        }
        assertTrue(threads.contains("scenario-steps"), threads::toString);
        // every supplier edge of the board that led to a bind is an arrow: 13 distinct (supplier, consumer) pairs
        assertEquals(4 * 13, flows);
        assertEquals(flows, check.flows());
    }

    @Test
    void checkTraceConfirmsARunsTraceAndNamesTheProblemsOfABrokenOne() throws IOException {
        Path trace = dir.resolve("ok.json");
        assertEquals(0, run("run", "--scenario", BOARD.toString(), "--engine", "kernel", "--trace", trace.toString())
                .status());
        MainTest.Result ok = run("check-trace", trace.toString());
        assertEquals(0, ok.status(), ok::toString);
        assertTrue(ok.out().startsWith(trace + ": conforms; "), ok.out());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"traceEvents\":[{\"name\":\"a\",\"ph\":\"X\",\"ts\":0,\"dur\":10,\"pid\":1,\"tid\":1},"
                + "{\"name\":\"b\",\"ph\":\"X\",\"ts\":5,\"dur\":10,\"pid\":1,\"tid\":1}]}");
        MainTest.Result bad = run("check-trace", broken.toString());
        assertEquals(1, bad.status(), bad::toString);
        assertTrue(bad.out().contains("1 problem(s)") && bad.out().contains("overlaps a"), bad.out());
        assertBadInput(run("check-trace", dir.resolve("none.json").toString()), "none.json");
    }

    @Test
    void deferralsFailuresPassesAndSupplierWaitsAreInTheTrace() throws IOException {
        Path trace = dir.resolve("mixed.trace.json");
        MainTest.Result r = run("run", "--scenario", mixed().toString(), "--engine", "kernel", "--trace", trace.toString());
        assertEquals(0, r.status(), r::toString);
        TraceCheck.Result check = TraceCheck.check(trace);
        assertEquals(List.of(), check.problems(), check::summary);
        Set<String> outcomes = new HashSet<>();
        Set<String> cats = new HashSet<>();
        List<String> reasons = new ArrayList<>();
        for (JsonNode e : events(trace)) {
            cats.add(e.path("cat").asText());
            if (e.path("cat").asText().equals("probe")) {
                outcomes.add(e.get("name").asText() + ":" + e.get("args").get("outcome").asText());
                if (e.get("args").has("reason")) {
                    reasons.add(e.get("name").asText() + ": " + e.get("args").get("reason").asText());
                }
            }
            if (e.path("cat").asText().equals("supplier-deferral")) {
                assertEquals("clk", e.get("args").get("supplier").asText());
            }
        }
        assertTrue(outcomes.containsAll(List.of("card:deferred", "card:bound", "codec:bound", "broken:failed",
                "clk:bound")), outcomes::toString);
        assertFalse(outcomes.contains("codec:deferred"), "codec's deferral is fw_devlink's: no probe called");
        assertFalse(reasons.isEmpty());
        reasons.forEach(reason -> assertEquals("card: waiting for codec", reason)); // once, or again in a pass before codec
        assertTrue(cats.containsAll(List.of("pass", "trigger", "publication", "supplier-deferral", "registration",
                "dependency")), cats::toString);
    }

    @Test
    void jsonLinesStayJsonWithATraceAndAnUnwritableTraceIsBadInput() throws IOException {
        Path trace = dir.resolve("t.json");
        MainTest.Result r = run("run", "--scenario", BOARD.toString(), "--engine", "indexed", "--json", "--trace",
                trace.toString(), "--html", dir.resolve("t.html").toString());
        assertEquals(0, r.status(), r::toString);
        for (String line : r.out().lines().toList()) {
            MAPPER.readTree(line);
        }
        assertTrue(Files.size(trace) > 0 && Files.size(dir.resolve("t.html")) > 0);
        assertBadInput(run("run", "--scenario", BOARD.toString(), "--engine", "kernel", "--trace",
                dir.resolve("no-such-dir").resolve("t.json").toString()), "--trace", "no-such-dir");
        assertBadInput(run("run", "--scenario", BOARD.toString(), "--engine", "kernel", "--html",
                dir.resolve("no-such-dir").resolve("t.html").toString()), "--html", "no-such-dir");
    }

    @Test
    void theTimelineIsOneSelfContainedPagePerEngineWithTheCriticalPath() throws IOException {
        Path html = dir.resolve("board.html");
        MainTest.Result r = run("run", "--scenario", BOARD.toString(), "--engine", "all", "--html", html.toString());
        assertEquals(0, r.status(), r::toString);
        String page = Files.readString(html);
        assertFalse(page.contains("<script") || page.contains("https://")
                || page.replace("http://www.w3.org/2000/svg", "").contains("http://"), "no script, no network");
        for (String engine : List.of("global-lock", "kernel", "lock-free", "indexed")) {
            assertTrue(page.contains("<h3>" + engine + "</h3>"), engine);
        }
        assertEquals(4, count(page, "<svg"));
        assertEquals(4 * 11, count(page, "fill=\"" + TimelineHtml.BOUND + "\"><title>"), "a green bar per probe");
        assertTrue(page.contains("Critical path: "), "the critical path is named");
    }

    @Test
    void headlessChromiumDrawsEveryOutcomeAndTheCriticalPath() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM
                + ": install Debian's chromium package (apt-get install chromium) to run this rendering test");
        Path html = dir.resolve("mixed.html");
        MainTest.Result r = run("run", "--scenario", mixed().toString(), "--engine", "lock-free", "--html", html.toString());
        assertEquals(0, r.status(), r::toString);
        BufferedImage img = screenshot(html, dir);
        List<String> bars = List.of(TimelineHtml.BOUND, TimelineHtml.DEFERRED, TimelineHtml.FAILED, TimelineHtml.PASS);
        Map<String, Integer> seen = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            Map<String, Integer> row = new HashMap<>();
            for (int x = 0; x < img.getWidth(); x++) {
                row.merge(String.format("#%06x", img.getRGB(x, y) & 0xffffff), 1, Integer::sum);
            }
            if (row.keySet().containsAll(bars)) {
                continue; // the legend's line of swatches: not the chart
            }
            for (String c : List.of(TimelineHtml.BOUND, TimelineHtml.DEFERRED, TimelineHtml.FAILED, TimelineHtml.PASS,
                    TimelineHtml.CRITICAL)) {
                seen.merge(c, row.getOrDefault(c, 0), Integer::sum);
            }
        }
        // bars are 10 pixels high and a 3 ms probe is tens of pixels wide in a run of some 50 ms; the critical
        // path outlines four bars (the legend's own outline is about 60 pixels)
        for (String c : bars) {
            assertTrue(seen.get(c) >= 60, "colour " + c + " drawn on only " + seen.get(c) + " pixels of the chart: " + seen);
        }
        assertTrue(seen.get(TimelineHtml.CRITICAL) >= 200, "critical path outlined on only " + seen.get(TimelineHtml.CRITICAL)
                + " pixels: " + seen);
        assertTrue(Files.readString(html).contains("4 devices: 3 bound, 0 deferred, 1 failed"));
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The page as headless Chromium draws it, 1250 pixels wide. */
    static BufferedImage screenshot(Path html, Path tmp) throws Exception {
        Path png = tmp.resolve(html.getFileName() + ".png");
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path log = tmp.resolve("chromium.log");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1250,900", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished, "chromium did not finish within 90 s; log: " + Files.readString(log));
        assertTrue(Files.exists(png), "no screenshot; chromium log: " + Files.readString(log));
        BufferedImage img = ImageIO.read(new File(png.toString()));
        assertEquals(1250, img.getWidth());
        return img;
    }
}
