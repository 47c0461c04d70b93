package org.deferprobe.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html renders: the page is written from made-up rows and curves, screenshotted by headless
 * Chromium, and the screenshot must not be blank. Skips (with the reason) where no Chromium is installed.
 */
class HtmlReportRenderTest {
    static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));

    static Row row(String bench, String config, String engine, double figure, String unit, boolean higher,
                   Map<String, Estimate> secondary) {
        return new Row(bench, config, engine, unit, higher, Estimate.exactly(figure), Estimate.missing("-"),
                Estimate.missing("-"), secondary, 3, List.of());
    }

    static List<Row> sampleRows() {
        List<Row> rows = new ArrayList<>();
        rows.add(row("TriggerLatency", "deferred=1000,registrants=64", "floor", 9, "us p99, publish to bound", false, Map.of()));
        rows.add(row("TriggerLatency", "deferred=1000,registrants=64", "global-lock", 900, "us p99, publish to bound", false,
                Map.of("p50_us", Estimate.exactly(500.0))));
        rows.add(row("TriggerLatency", "deferred=1000,registrants=64", "kernel", 300, "us p99, publish to bound", false, Map.of()));
        rows.add(row("DeferredThroughput", "deferred=1000,pass=none", "floor", 5e7, "devices re-probed/s", true, Map.of()));
        rows.add(row("DeferredThroughput", "deferred=1000,pass=none", "global-lock", 5e5, "devices re-probed/s", true, Map.of()));
        return Table.withRatios(rows);
    }

    static Map<String, Map<String, List<Hgrm.Point>>> sampleCurves() {
        Map<String, List<Hgrm.Point>> byEngine = new LinkedHashMap<>();
        for (String e : List.of("floor", "global-lock", "kernel")) {
            double base = e.equals("floor") ? 8 : e.equals("kernel") ? 150 : 400;
            List<Hgrm.Point> pts = new ArrayList<>();
            for (double p : new double[] {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99}) {
                pts.add(new Hgrm.Point(base * (1 + p / 40), p));
            }
            byEngine.put(e, pts);
        }
        return Map.of("deferred=1000 registrants=64", byEngine);
    }

    @Test
    void ratiosAreAgainstGlobalLockAndTheFloorOfTheSameParameters() {
        Row kernel = sampleRows().get(2);
        assertEquals(300.0 / 900, kernel.vsGlobalLock().point(), 1e-9);
        assertEquals(300.0 / 9, kernel.vsFloor().point(), 1e-9);
    }

    @Test
    void pageIsSelfContained() {
        String html = HtmlReport.render("t", List.of("cores: 2"), sampleRows(), sampleCurves(), "table");
        assertTrue(html.contains("<svg") && html.contains("<polyline") && html.contains("<table"));
        assertTrue(!html.contains("http://") || html.replace("http://www.w3.org/2000/svg", "").indexOf("http://") < 0,
                "no network references");
        assertTrue(!html.contains("https://") && !html.contains("<script"), "no network, no script");
    }

    @Test
    void headlessChromiumRendersANonBlankPage(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM
                + ": install Debian's chromium package (apt-get install chromium) to run this rendering test");
        Path html = tmp.resolve("report.html");
        Files.writeString(html, HtmlReport.render("render test", List.of("cores: 2"), sampleRows(), sampleCurves(), "t"));
        Path png = tmp.resolve("shot.png");
        Path profile = Files.createDirectory(tmp.resolve("profile"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,1400", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        boolean finished = p.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished, "chromium did not finish within 90 s; log: " + Files.readString(tmp.resolve("chromium.log")));
        assertTrue(Files.exists(png), "no screenshot; chromium log: " + Files.readString(tmp.resolve("chromium.log")));
        BufferedImage img = ImageIO.read(new File(png.toString()));
        assertEquals(1200, img.getWidth());
        long nonWhite = 0;
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        long sampled = (long) (img.getWidth() / 2) * (img.getHeight() / 2);
        assertTrue(nonWhite > sampled / 100, "screenshot nearly blank: " + nonWhite + " of " + sampled + " pixels not white");
        assertTrue(colors.size() > 20, "screenshot has only " + colors.size() + " colours: the charts did not draw");
    }
}
