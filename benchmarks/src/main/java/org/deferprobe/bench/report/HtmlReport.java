package org.deferprobe.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: the table, latency percentile curves per engine on log axes, bars for every other benchmark, and
 * the timeline of one boot per engine ({@link BootTimelines}). One self-contained file: inline SVG and CSS, no
 * script, no network.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#555555", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2"};

    private HtmlReport() {
    }

    /**
     * @param title       page heading
     * @param environment lines shown under the heading (date, cores, JDK)
     * @param rows        the table, in order
     * @param curves      latency curves: chart title to (engine to points)
     * @param tableText   the plain-text table, as printed
     */
    public static String render(String title, List<String> environment, List<Row> rows,
                                Map<String, Map<String, List<Hgrm.Point>>> curves, String tableText) {
        return render(title, environment, rows, curves, tableText, "");
    }

    /**
     * The same page with the Boot timelines ({@link BootTimelines#section}, HTML) after the charts; none if empty.
     */
    public static String render(String title, List<String> environment, List<Row> rows,
                                Map<String, Map<String, List<Hgrm.Point>>> curves, String tableText, String bootSection) {
        List<String> engines = new ArrayList<>();
        rows.forEach(r -> {
            if (!engines.contains(r.engine())) {
                engines.add(r.engine());
            }
        });
        curves.values().forEach(m -> m.keySet().forEach(e -> {
            if (!engines.contains(e)) {
                engines.add(e);
            }
        }));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
                        + "td.l,th.l{text-align:left}th{background:#e8eef7}h2{margin-top:32px}"
                        + ".charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #ddd;padding:6px}"
                        + "pre{font-size:12px;background:#f6f6f6;padding:8px;overflow-x:auto}"
                        + org.deferprobe.workload.trace.TimelineHtml.css() + "</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<ul>");
        environment.forEach(l -> h.append("<li>").append(esc(l)).append("</li>"));
        h.append("</ul>\n<h2>Table</h2>\n<p>One row per benchmark, parameters and engine. <b>vs global-lock</b> and "
                + "<b>vs floor</b> are this row's figure divided by theirs for the same parameters; read them with the "
                + "unit's direction (lower is better for times, higher for rates).</p>\n");
        table(h, rows);
        h.append("<h2>Trigger latency percentiles</h2>\n<div class=\"charts\">");
        curves.forEach((name, byEngine) -> h.append("<div class=\"chart\">").append(latencyChart(name, byEngine, engines))
                .append("</div>"));
        if (curves.isEmpty()) {
            h.append("<p>No latency histograms in this run.</p>");
        }
        h.append("</div>\n<h2>Figures by benchmark</h2>\n<div class=\"charts\">");
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        rows.forEach(r -> groups.computeIfAbsent(r.benchmark() + " " + r.config(), k -> new ArrayList<>()).add(r));
        groups.forEach((name, group) -> h.append("<div class=\"chart\">").append(barChart(name, group, engines))
                .append("</div>"));
        h.append("</div>\n").append(bootSection);
        h.append("<h2>As printed</h2>\n<pre>").append(esc(tableText)).append("</pre>\n</body></html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, List<Row> rows) {
        h.append("<table><tr><th class=\"l\">benchmark</th><th class=\"l\">parameters</th><th class=\"l\">engine</th>"
                + "<th>figure</th><th>95% CI</th><th class=\"l\">unit</th><th>vs global-lock [95% CI]</th><th>vs floor [95% CI]</th>"
                + "<th>forks</th><th class=\"l\">secondary</th></tr>\n");
        for (Row r : rows) {
            h.append("<tr><td class=\"l\">").append(esc(r.benchmark())).append("</td><td class=\"l\">").append(esc(r.config()))
                    .append("</td><td class=\"l\">").append(esc(r.engine())).append("</td><td>")
                    .append(r.figure().isMissing() ? "ERROR" : Table.num(r.figure().point())).append("</td><td>")
                    .append(esc(Table.interval(r.figure()))).append("</td><td class=\"l\">").append(esc(r.unit()))
                    .append("</td><td>").append(esc(Table.ratioCi(r.vsGlobalLock()))).append("</td><td>")
                    .append(esc(Table.ratioCi(r.vsFloor()))).append("</td><td>").append(r.forks()).append("</td><td class=\"l\">")
                    .append(esc(Table.secondaryText(r))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Percentile curves: x = 1/(1-p) on a log axis (50% .. 99.999%), y = microseconds on a log axis. */
    static String latencyChart(String title, Map<String, List<Hgrm.Point>> byEngine, List<String> engines) {
        int w = 560;
        int hgt = 340;
        int left = 60;
        int right = 120;
        int top = 30;
        int bottom = 40;
        double minV = Double.MAX_VALUE;
        double maxV = 0;
        double maxX = 2;
        for (List<Hgrm.Point> pts : byEngine.values()) {
            for (Hgrm.Point p : pts) {
                if (p.value() > 0) {
                    minV = Math.min(minV, p.value());
                    maxV = Math.max(maxV, p.value());
                }
                maxX = Math.max(maxX, x(p.percentile()));
            }
        }
        if (maxV == 0) {
            minV = 1;
            maxV = 10;
        }
        double yLo = Math.floor(Math.log10(minV));
        double yHi = Math.max(yLo + 1, Math.ceil(Math.log10(maxV)));
        double xHi = Math.min(6, Math.ceil(maxX));
        double pw = w - left - right;
        double ph = hgt - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">", w, hgt, w, hgt));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>", left,
                esc(title)));
        for (int d = (int) yLo; d <= (int) yHi; d++) { // horizontal grid per decade
            double y = top + ph - (d - yLo) / (yHi - yLo) * ph;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, y,
                    left + pw, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s us</text>",
                    left - 4, y + 4, Table.num(Math.pow(10, d))));
        }
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int d = 0; d <= (int) xHi; d++) {
            double x = left + d / xHi * pw;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", x, top, x,
                    top + ph));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x,
                    top + ph + 15, labels[Math.min(d, labels.length - 1)]));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">percentile"
                + " (log scale of 1/(1-p))</text>", left + pw / 2, hgt - 6));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                + "stroke=\"#888\"/>", left, top, pw, ph));
        int legend = 0;
        for (Map.Entry<String, List<Hgrm.Point>> e : byEngine.entrySet()) {
            String color = color(e.getKey(), engines);
            StringBuilder pts = new StringBuilder();
            for (Hgrm.Point p : e.getValue()) {
                if (p.value() <= 0) {
                    continue;
                }
                double x = left + Math.min(x(p.percentile()), xHi) / xHi * pw;
                double y = top + ph - (Math.log10(p.value()) - yLo) / (yHi - yLo) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2.5\" stroke=\"").append(color).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"/>");
            double ly = top + 12 + legend * 18;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/>", left + pw + 10,
                    ly - 4, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%s</text>", left + pw + 28, ly + 1,
                    esc(e.getKey())));
            legend++;
        }
        return s.append("</svg>").toString();
    }

    private static double x(double percentile) {
        double p = Math.min(percentile, 99.99999) / 100.0;
        return Math.log10(1.0 / (1.0 - p));
    }

    /** Horizontal bars, one per engine, linear scale, value written at the end of each bar. */
    static String barChart(String title, List<Row> group, List<String> engines) {
        int w = 460;
        int barH = 20;
        int left = 90;
        int top = 44;
        int hgt = top + group.size() * (barH + 6) + 10;
        double max = 0;
        for (Row r : group) {
            if (!Double.isNaN(r.figure().point())) {
                max = Math.max(max, r.figure().point());
            }
        }
        Row any = group.get(0);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">", w, hgt, w, hgt));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>", esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"33\" font-size=\"11\">%s (%s is better)</text>", esc(any.unit()),
                any.higherIsBetter() ? "higher" : "lower"));
        int i = 0;
        for (Row r : group) {
            double y = top + i * (barH + 6);
            double v = r.figure().point();
            double len = max > 0 && !Double.isNaN(v) ? v / max * (w - left - 90) : 0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>", left - 6,
                    y + 14, esc(r.engine())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", left, y,
                    Math.max(1, len), barH, color(r.engine(), engines)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>", left + len + 4, y + 14,
                    Double.isNaN(v) ? "ERROR" : Table.num(v)));
            i++;
        }
        return s.append("</svg>").toString();
    }

    private static String color(String engine, List<String> engines) {
        if ("floor".equals(engine)) {
            return COLORS[0];
        }
        int i = engines.indexOf(engine);
        return COLORS[1 + Math.floorMod(i < 0 ? engine.hashCode() : i, COLORS.length - 1)];
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
