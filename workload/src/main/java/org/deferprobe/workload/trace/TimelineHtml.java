package org.deferprobe.workload.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.EngineEvents.Outcome;
import org.deferprobe.workload.RunResult;

/**
 * A run's timeline as HTML: per engine, the devices on the vertical axis in order of registration, time on the
 * horizontal one, every probe attempt a bar coloured by its outcome (bound, deferred, failed), fw_devlink's
 * deferrals (no probe called) as dots, the deferred passes and triggers on a strip of their own, and the critical
 * path highlighted: its rows shaded, its attempts outlined, a dashed line from the moment each of its devices had
 * everything it needed to the start of the probe that bound it (the engine's share of the wait), and a line
 * from each step to the next. Self-contained: inline SVG and CSS, no script, nothing from a network; every bar has a
 * tooltip ({@code <title>}).
 *
 * <p>A run of more than {@value #MAX_ROWS} devices shows the devices of the critical path, those that deferred,
 * failed or did not bind, and then the first registered, up to that many, and says how many it left out.
 */
public final class TimelineHtml {
    static final int MAX_ROWS = 600;
    /** Colours; the rendering test looks for them in the picture. */
    public static final String BOUND = "#2ca02c";
    public static final String DEFERRED = "#ff7f0e";
    public static final String FAILED = "#d62728";
    public static final String PASS = "#1f77b4";
    public static final String CRITICAL = "#7b1fa2";
    static final String CRITICAL_ROW = "#f3e5f5";
    private static final int WIDTH = 1200;
    private static final int LABEL = 300;
    private static final int RIGHT = 30;
    private static final int ROW = 14;
    private static final int TOP = 34;

    /** One engine's run. */
    public record Run(String engine, Timeline timeline, RunResult result) {
    }

    private TimelineHtml() {
    }

    /** A whole page: a heading, lines under it, the legend and the sections ({@link #section}). */
    public static String page(String title, List<String> lines, List<String> sections) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;background:#fff}")
                .append(css()).append("</style></head><body>\n<h1>").append(esc(title))
                .append("</h1>\n");
        if (!lines.isEmpty()) {
            h.append("<ul>");
            lines.forEach(l -> h.append("<li>").append(esc(l)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append(legend());
        sections.forEach(h::append);
        return h.append("</body></html>\n").toString();
    }

    /** The style of the legend and the sections, for embedding them in another page. */
    public static String css() {
        return ".tl-legend span{display:inline-block;margin-right:18px;font-size:13px}"
                + ".tl-legend i{display:inline-block;width:22px;height:10px;margin-right:5px;vertical-align:middle}"
                + ".tl-run{margin:18px 0 30px 0}.tl-run p{font-size:13px;margin:4px 0}"
                + ".tl-run ol{font-size:12px;margin:4px 0 0 0}";
    }

    /** What the colours and marks mean. */
    public static String legend() {
        return "<div class=\"tl-legend\"><span><i style=\"background:" + BOUND + "\"></i>probe: bound</span>"
                + "<span><i style=\"background:" + DEFERRED + "\"></i>probe: deferred</span>"
                + "<span><i style=\"background:" + FAILED + "\"></i>probe: failed</span>"
                + "<span><i style=\"background:#999;height:3px\"></i>dot: deferred on a supplier (no probe called)</span>"
                + "<span><i style=\"background:" + PASS + "\"></i>deferred pass; ticks: triggers</span>"
                + "<span><i style=\"background:" + CRITICAL_ROW + ";outline:2px solid " + CRITICAL
                + "\"></i>critical path; dashed: had everything, waiting for the probe that bound it</span></div>\n";
    }

    /** One engine: a heading, the figures, the chart and the critical path as a list. */
    public static String section(Run run) {
        Timeline t = run.timeline();
        RunResult r = run.result();
        List<Timeline.PathStep> path = t.criticalPath();
        long t0 = t.recording().startNanos();
        StringBuilder h = new StringBuilder("<div class=\"tl-run\">\n<h3>").append(esc(run.engine())).append("</h3>\n");
        long deferred = t.attempts().stream().filter(a -> a.outcome() == Outcome.DEFERRED).count();
        long failed = t.attempts().stream().filter(a -> a.outcome() == Outcome.FAILED).count();
        h.append("<p>").append(r.devices()).append(" devices: ").append(r.bound().size()).append(" bound, ")
                .append(r.deferred().size()).append(" deferred, ").append(r.failed().size()).append(" failed, ")
                .append(r.unbound().size()).append(" unbound; makespan ").append(ms(r.makespanMicros() * 1_000L))
                .append(". ").append(t.attempts().size()).append(" probe attempts (").append(deferred)
                .append(" deferred, ").append(failed).append(" failed), ").append(t.passes().size())
                .append(" deferred passes, ").append(t.triggers().size()).append(" triggers.</p>\n");
        if (!path.isEmpty()) {
            long waited = path.stream().mapToLong(Timeline.PathStep::waitNanos).sum();
            Timeline.PathStep last = path.get(path.size() - 1);
            h.append("<p>Critical path: ").append(path.size()).append(" probes, ending with ")
                    .append(esc(last.attempt().device())).append(" bound at ").append(ms(last.attempt().end() - t0))
                    .append("; ").append(ms(waited)).append(" of it between a device having everything it needed "
                            + "and the start of the probe that bound it (the engine's share).</p>\n");
        }
        h.append(svg(run, path));
        if (!path.isEmpty()) {
            h.append("<ol>");
            for (Timeline.PathStep s : path) {
                Timeline.Attempt a = s.attempt();
                h.append("<li>").append(esc(a.device())).append(" (").append(esc(a.driver())).append("): ")
                        .append(s.because() == null ? "" : esc(s.because().describe()) + " at " + ms(s.ready() - t0)
                                + ", ")
                        .append("probe from ").append(ms(a.start() - t0)).append(" to ").append(ms(a.end() - t0))
                        .append(s.waitNanos() > 0 ? " (waited " + ms(s.waitNanos()) + ")" : "").append("</li>");
            }
            h.append("</ol>\n");
        }
        return h.append("</div>\n").toString();
    }

    /** The chart. */
    static String svg(Run run, List<Timeline.PathStep> path) {
        Timeline t = run.timeline();
        long t0 = t.recording().startNanos();
        long span = Math.max(1_000, t.endNanos() - t0);
        Set<String> onPath = new HashSet<>();
        path.forEach(s -> onPath.add(s.attempt().device()));
        List<String> rows = rows(t, run.result(), onPath);
        int omitted = t.devices().size() - rows.size();
        Set<String> shown = new HashSet<>(rows);
        boolean omittedAllPlain = t.devices().stream().filter(d -> !shown.contains(d))
                .allMatch(d -> run.result().bound().contains(d) && t.attemptsOf(d).size() == 1);
        Map<String, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            rowOf.put(rows.get(i), i);
        }
        int devicesTop = TOP + ROW + 6;
        int height = devicesTop + rows.size() * ROW + (omitted > 0 ? 22 : 8);
        double plot = WIDTH - LABEL - 10 - RIGHT;
        Scale x = new Scale(LABEL + 10, plot, span);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\">", WIDTH, height, WIDTH, height));
        for (int i = 0; i < rows.size(); i++) {
            if (onPath.contains(rows.get(i))) {
                s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", 
                        devicesTop + i * ROW, WIDTH, ROW, CRITICAL_ROW));
            }
        }
        axis(s, x, span, height);
        strip(s, t, x, t0);
        for (int i = 0; i < rows.size(); i++) {
            row(s, t, run.result(), rows.get(i), devicesTop + i * ROW, x, t0);
        }
        critical(s, path, rowOf, devicesTop, x, t0);
        if (omitted > 0) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#555\">%d more devices "
                    + "not shown%s</text>", LABEL + 10, height - 6, omitted,
                    omittedAllPlain ? " (each bound at its first probe)" : ""));
        }
        return s.append("</svg>\n").toString();
    }

    /** Every device if they fit; otherwise the interesting ones first, kept in registration order. */
    private static List<String> rows(Timeline t, RunResult r, Set<String> onPath) {
        List<String> all = t.devices();
        if (all.size() <= MAX_ROWS) {
            return all;
        }
        Set<String> keep = new LinkedHashSet<>(onPath);
        Set<String> notBound = new HashSet<>(r.deferred().keySet());
        notBound.addAll(r.failed());
        notBound.addAll(r.unbound());
        for (String d : all) {
            if (keep.size() >= MAX_ROWS) {
                break;
            }
            if (notBound.contains(d) || t.attemptsOf(d).stream().anyMatch(a -> a.outcome() != Outcome.BOUND)) {
                keep.add(d);
            }
        }
        for (String d : all) {
            if (keep.size() >= MAX_ROWS) {
                break;
            }
            keep.add(d);
        }
        return all.stream().filter(keep::contains).toList();
    }

    /** x position of a time. */
    private record Scale(double left, double width, long span) {
        double at(long nanos) {
            return left + Math.max(0, Math.min(span, nanos)) * width / span;
        }
    }

    private static void axis(StringBuilder s, Scale x, long span, int height) {
        double stepMs = niceStep(span / 1e6 / 10);
        for (int i = 0; i * stepMs <= span / 1e6 + 1e-9; i++) {
            double px = x.at((long) (i * stepMs * 1e6));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e2e2\"/>", px,
                    TOP - 4, px, height - 4));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                    px, TOP - 8, trimNumber(i * stepMs) + " ms"));
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trimNumber(double v) {
        String f = String.format(Locale.ROOT, "%.3f", v);
        return f.replaceAll("\\.?0+$", "");
    }

    /** The deferred passes and the triggers. */
    private static void strip(StringBuilder s, Timeline t, Scale x, long t0) {
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" "
                + "font-weight=\"bold\">deferred passes, triggers</text>", LABEL, TOP + 10));
        for (Timeline.Pass p : t.passes()) {
            double a = x.at(p.start() - t0);
            double b = x.at(p.end() - t0);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"9\" fill=\"%s\">"
                    + "<title>deferred pass from %s to %s</title></rect>", a, TOP + 3, Math.max(1.5, b - a), PASS,
                    ms(p.start() - t0), ms(p.end() - t0)));
        }
        for (long trig : t.triggers()) {
            double a = x.at(trig - t0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#0b3d6b\" "
                    + "stroke-width=\"1\"/>", a, TOP, a, TOP + 3));
        }
    }

    private static void row(StringBuilder s, Timeline t, RunResult r, String device, int y, Scale x, long t0) {
        String labelColor = r.deferred().containsKey(device) ? "#b35c00" : r.failed().contains(device) ? "#b00000"
                : r.bound().contains(device) ? "#222" : "#777";
        String label = device.length() > 48 ? "\u2026" + device.substring(device.length() - 47) : device;
        String state = r.deferred().containsKey(device) ? "deferred (" + r.deferred().get(device) + ")"
                : r.failed().contains(device) ? "failed" : r.bound().contains(device) ? "bound" : "not bound";
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"%s\">"
                + "<title>%s: %s</title>%s</text>", LABEL, y + 10, labelColor, esc(device), esc(state), esc(label)));
        long reg = t.registeredAt(device);
        if (reg >= 0) {
            double a = x.at(reg - t0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#999\"/>", a,
                    y + 2, a, y + 12));
        }
        for (long d : t.supplierDeferralsOf(device)) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%d\" r=\"1.6\" fill=\"#999\"/>", x.at(d - t0),
                    y + 7));
        }
        for (Timeline.Attempt a : t.attemptsOf(device)) {
            double from = x.at(a.start() - t0);
            double w = Math.max(2, x.at(a.end() - t0) - from);
            String fill = a.outcome() == Outcome.BOUND ? BOUND : a.outcome() == Outcome.DEFERRED ? DEFERRED : FAILED;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"10\" fill=\"%s\">"
                    + "<title>%s by %s: %s%s, %s to %s</title></rect>", from, y + 2, w, fill, esc(a.device()),
                    esc(a.driver()), a.outcome().name().toLowerCase(Locale.ROOT),
                    a.reason() == null ? "" : " (" + esc(a.reason()) + ")", ms(a.start() - t0), ms(a.end() - t0)));
        }
    }

    /** Outlines, the waits and the links of the critical path. */
    private static void critical(StringBuilder s, List<Timeline.PathStep> path, Map<String, Integer> rowOf,
                                 int devicesTop, Scale x, long t0) {
        double prevX = -1;
        double prevY = -1;
        for (Timeline.PathStep step : path) {
            Timeline.Attempt a = step.attempt();
            Integer row = rowOf.get(a.device());
            if (row == null) {
                continue;
            }
            double y = devicesTop + row * ROW + 7;
            double from = x.at(a.start() - t0);
            double w = Math.max(2, x.at(a.end() - t0) - from);
            double ready = x.at(step.ready() - t0);
            if (prevX >= 0) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-width=\"1.5\"/>", prevX, prevY, Math.max(prevX, ready), y, CRITICAL));
            }
            if (step.waitNanos() > 0) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-width=\"2\" stroke-dasharray=\"4,2\"><title>%s had everything at %s and waited %s "
                        + "for the probe that bound it</title></line>", ready, y, from, y, CRITICAL, esc(a.device()),
                        ms(step.ready() - t0), ms(step.waitNanos())));
            }
            s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"12\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"2.5\"/>", from - 1, y - 6, w + 2, CRITICAL));
            prevX = from + w;
            prevY = y;
        }
    }

    /** Milliseconds with three significant decimals ("12.345 ms"), microseconds below 1 ms ("87.1 us"). */
    static String ms(long nanos) {
        if (Math.abs(nanos) < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
