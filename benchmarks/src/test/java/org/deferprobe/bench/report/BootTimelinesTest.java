package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.deferprobe.bench.Boot;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.trace.TimelineHtml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Boot section of report.html: Boot's own scenario, one timeline per engine, drawn by headless Chromium. */
class BootTimelinesTest {
    static final Map<String, String> PARAMS = Map.of("source", "random", "devices", "40", "probeMicros", "300",
            "async", "1", "fwDevlink", "on");

    static List<Series> bootSeries() {
        return List.of("floor", "kernel", "indexed").stream().map(e -> new Series("Boot", e, PARAMS, "ms")).toList();
    }

    /** The report boots what the benchmark boots: the scenario Boot's trial setup makes for the same parameters. */
    @Test
    void theScenarioIsTheOneBootMeasures() throws Exception {
        for (String source : List.of("random", "../scenarios/devicetree/example-board.dtb")) {
            Boot b = new Boot();
            b.engine = "kernel";
            b.source = source;
            b.devices = 40;
            b.probeMicros = 300;
            b.async = 1.0;
            b.fwDevlink = "permissive";
            b.setUp();
            Field f = Boot.class.getDeclaredField("scenario");
            f.setAccessible(true);
            Map<String, String> params = new HashMap<>(PARAMS);
            params.put("source", source);
            params.put("fwDevlink", "permissive");
            assertEquals(f.get(b), BootTimelines.scenario(params), source);
        }
        Scenario old = BootTimelines.scenario(Map.of("source", "random", "devices", "10", "probeMicros", "1", "async", "1"));
        assertEquals(org.deferprobe.engine.FwDevlink.ON, old.fwDevlink(), "a run from before the fwDevlink parameter");
    }

    @Test
    void oneTimelinePerEngineButTheFloor() {
        String section = BootTimelines.section(bootSeries());
        assertTrue(section.contains("<h2>Boot timelines</h2>"), section);
        assertTrue(section.contains("<h3>kernel</h3>") && section.contains("<h3>indexed</h3>"), section);
        assertFalse(section.contains("<h3>floor</h3>"));
        assertEquals(2, count(section, "<svg"));
        assertEquals(2, count(section, "Critical path: "));
        assertEquals(2 * 40, count(section, "fill=\"" + TimelineHtml.BOUND + "\"><title>"), "a bar per bind");
        assertEquals("", BootTimelines.section(List.of(new Series("DeferredThroughput", "kernel", Map.of(), "ops/s"))));
    }

    @Test
    void theReportWithItsBootSectionRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(HtmlReportRenderTest.CHROMIUM), "no Chromium at " + HtmlReportRenderTest.CHROMIUM
                + ": install Debian's chromium package (apt-get install chromium) to run this rendering test");
        String page = HtmlReport.render("boot section", List.of("cores: 2"), HtmlReportRenderTest.sampleRows(),
                HtmlReportRenderTest.sampleCurves(), "t", BootTimelines.section(bootSeries()));
        assertFalse(page.contains("<script") || page.contains("https://"), "no script, no network");
        Path html = tmp.resolve("report.html");
        Files.writeString(html, page);
        Path png = tmp.resolve("shot.png");
        Path profile = Files.createDirectory(tmp.resolve("profile"));
        Process p = new ProcessBuilder(HtmlReportRenderTest.CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png,
                "--window-size=1250,4000", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        boolean finished = p.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished && Files.exists(png), "no screenshot; log: " + Files.readString(tmp.resolve("chromium.log")));
        BufferedImage img = ImageIO.read(new File(png.toString()));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                counts.merge(img.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        int bound = counts.getOrDefault(Integer.parseInt(TimelineHtml.BOUND.substring(1), 16), 0);
        int critical = counts.getOrDefault(Integer.parseInt(TimelineHtml.CRITICAL.substring(1), 16), 0);
        // 80 bars of some 10 x 10 pixels, beside the legend's one swatch of 22 x 10; the critical path's outlines
        assertTrue(bound > 2_000, "the bound bars drew on only " + bound + " pixels");
        assertTrue(critical > 300, "the critical path drew on only " + critical + " pixels");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
