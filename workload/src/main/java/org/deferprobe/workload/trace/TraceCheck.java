package org.deferprobe.workload.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a file against the Trace Event Format (the JSON Object Format of Google's "Trace Event Format" document,
 * which Perfetto's UI and chrome://tracing read), reading it as a stream, event by event:
 * <ul>
 * <li>every event is an object with a known {@code ph} and the fields its phase requires: {@code name}, {@code ts},
 * {@code pid}, {@code tid} for B, X, i/I, s/t/f and C; {@code ts}, {@code pid}, {@code tid} for E; {@code dur} for
 * X; {@code id} and {@code cat} for flows; {@code name} (one of the metadata names) and {@code args} for M; ts and
 * dur numbers, dur not negative; pid and tid integers; {@code cat} and {@code cname} strings, {@code args} an object;
 * an instant's {@code s} one of g, p, t; a flow end's {@code bp}, if present, e;</li>
 * <li>slices nest properly on each track (pid, tid): B/E pairs matched in time order (an E closes the latest open B,
 * and if it names one, the same name), no B left open; X and B/E slices of a track either nest or are disjoint;</li>
 * <li>every flow has both ends: per category and id, exactly one start (s) and one finish (f), and any number of
 * steps (t); the finish not before the start; every end inside a slice of its track (a finish with {@code bp} other than e binds
 * to the next slice, which must exist).</li>
 * </ul>
 * Times are compared exactly, in nanoseconds (the format's microseconds with up to three decimals).
 */
public final class TraceCheck {
    private static final Set<String> PHASES = Set.of("B", "E", "X", "i", "I", "s", "t", "f", "M", "C");
    private static final Set<String> METADATA = Set.of("process_name", "process_labels", "process_sort_index",
            "thread_name", "thread_sort_index");
    private static final int MAX_PROBLEMS = 50;

    /** What the check found: the problems (empty when the file conforms) and what it counted. */
    public record Result(List<String> problems, long events, Map<String, Long> byPhase, int tracks, long slices,
                         long flows) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** One line: counts per phase, tracks, slices and flows. */
        public String summary() {
            return events + " events " + byPhase + ", " + tracks + " tracks, " + slices + " slices, " + flows + " flows";
        }
    }

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Long> byPhase = new TreeMap<>();
    private final Map<String, Track> tracks = new HashMap<>();
    private final Map<String, Flow> flows = new HashMap<>();
    private long events;
    private long slices;

    private TraceCheck() {
    }

    public static Result check(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return check(in);
        }
    }

    /**
     * @throws IOException if the stream cannot be read; malformed JSON or a wrong shape is a problem in the
     *                     result, not an exception
     */
    public static Result check(InputStream in) throws IOException {
        TraceCheck c = new TraceCheck();
        c.read(in);
        c.finish();
        return new Result(List.copyOf(c.problems), c.events, Map.copyOf(c.byPhase), c.tracks.size(), c.slices,
                c.flows.size());
    }

    private void problem(String p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("... more problems not listed");
        }
    }

    private void read(InputStream in) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        try (JsonParser p = new JsonFactory(mapper).createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                readEvents(p, mapper);
            } else if (t == JsonToken.START_OBJECT) {
                boolean found = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if (field.equals("traceEvents")) {
                        if (v != JsonToken.START_ARRAY) {
                            problem("traceEvents is not an array");
                            return;
                        }
                        found = true;
                        readEvents(p, mapper);
                    } else if (field.equals("displayTimeUnit") && !(v == JsonToken.VALUE_STRING
                            && Set.of("ms", "ns").contains(p.getText()))) {
                        problem("displayTimeUnit must be \"ms\" or \"ns\"");
                    } else {
                        p.skipChildren();
                    }
                }
                if (!found) {
                    problem("no traceEvents array");
                }
            } else {
                problem("not a JSON object or array");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problem("malformed JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
        }
    }

    private void readEvents(JsonParser p, ObjectMapper mapper) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                problem("event " + events + " is not an object");
                p.skipChildren();
                events++;
                continue;
            }
            JsonNode e = mapper.readTree(p);
            event(e, events++);
        }
    }

    private void event(JsonNode e, long index) {
        String where = "event " + index;
        JsonNode phNode = e.get("ph");
        if (phNode == null || !phNode.isTextual() || !PHASES.contains(phNode.textValue())) {
            problem(where + ": ph missing or unknown: " + phNode);
            return;
        }
        String ph = phNode.textValue();
        byPhase.merge(ph, 1L, Long::sum);
        where += " (ph " + ph + (e.hasNonNull("name") ? ", " + e.get("name").asText() : "") + ")";
        if (!ph.equals("E") && !isText(e, "name")) {
            problem(where + ": no name");
        }
        if (!isInt(e, "pid") || !isInt(e, "tid")) {
            problem(where + ": pid and tid must be integers");
            return;
        }
        for (String f : new String[] {"cat", "cname"}) {
            if (e.has(f) && !e.get(f).isTextual()) {
                problem(where + ": " + f + " is not a string");
            }
        }
        if (e.has("args") && !e.get("args").isObject()) {
            problem(where + ": args is not an object");
        }
        String track = e.get("pid").asLong() + "/" + e.get("tid").asLong();
        if (ph.equals("M")) {
            if (!METADATA.contains(e.path("name").asText()) || !e.path("args").isObject()) {
                problem(where + ": metadata needs a known name and args");
            }
            return;
        }
        Long ts = nanos(e.get("ts"));
        if (ts == null) {
            problem(where + ": ts missing or not a number");
            return;
        }
        Track tr = tracks.computeIfAbsent(track, Track::new);
        switch (ph) {
            case "X" -> {
                Long dur = nanos(e.get("dur"));
                if (dur == null || dur < 0) {
                    problem(where + ": X needs a non-negative dur");
                    return;
                }
                tr.add(new Slice(e.path("name").asText(), ts, ts + dur));
            }
            case "B", "E" -> tr.edges.add(new Edge(ph.equals("B"), e.path("name").asText(null), ts, index));
            case "i", "I" -> {
                if (e.has("s") && !Set.of("g", "p", "t").contains(e.get("s").asText())) {
                    problem(where + ": instant scope s must be g, p or t");
                }
            }
            case "s", "t", "f" -> {
                if (!e.has("id") || !(e.get("id").isIntegralNumber() || e.get("id").isTextual())) {
                    problem(where + ": flow event without id");
                    return;
                }
                if (!isText(e, "cat")) {
                    problem(where + ": flow event without cat");
                }
                if (e.has("bp") && !e.get("bp").asText().equals("e")) {
                    problem(where + ": bp must be \"e\"");
                }
                Flow f = flows.computeIfAbsent(e.path("cat").asText() + "#" + e.get("id").asText(), Flow::new);
                End end = new End(track, ts, ph.equals("f") && !e.path("bp").asText().equals("e"));
                switch (ph) {
                    case "s" -> f.starts.add(end);
                    case "f" -> f.finishes.add(end);
                    default -> f.steps.add(end);
                }
            }
            case "C" -> {
                if (!e.path("args").isObject()) {
                    problem(where + ": counter needs args");
                }
            }
            default -> throw new IllegalStateException("bad phase " + ph);
        }
    }

    private static boolean isText(JsonNode e, String field) {
        return e.has(field) && e.get(field).isTextual();
    }

    private static boolean isInt(JsonNode e, String field) {
        return e.has(field) && e.get(field).isIntegralNumber();
    }

    /** A time in microseconds as exact nanoseconds, or null if it is not a number. */
    private static Long nanos(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return null;
        }
        BigDecimal us = n.decimalValue();
        return us.movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private void finish() {
        for (Track t : tracks.values()) {
            t.pairEdges();
            t.checkNesting();
            slices += t.slices.size();
        }
        for (Flow f : flows.values()) {
            f.check();
        }
    }

    private record Slice(String name, long start, long end) {
    }

    private record Edge(boolean begin, String name, long ts, long index) {
    }

    private record End(String track, long ts, boolean nextSlice) {
    }

    /** One (pid, tid): its slices, its B/E edges, and for flow binding the slices by start with a running max end. */
    private final class Track {
        final String id;
        final List<Slice> slices = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
        long[] starts;
        long[] maxEnd;

        Track(String id) {
            this.id = id;
        }

        void add(Slice s) {
            slices.add(s);
        }

        /** B/E in time order (file order among equal times): each E closes the latest open B. */
        void pairEdges() {
            edges.sort((a, b) -> a.ts != b.ts ? Long.compare(a.ts, b.ts) : Long.compare(a.index, b.index));
            List<Edge> open = new ArrayList<>();
            for (Edge e : edges) {
                if (e.begin) {
                    open.add(e);
                } else if (open.isEmpty()) {
                    problem("track " + id + ": E at " + e.ts + " ns closes no B");
                } else {
                    Edge b = open.remove(open.size() - 1);
                    if (e.name != null && !e.name.equals(b.name)) {
                        problem("track " + id + ": E " + e.name + " closes B " + b.name + " (not nested)");
                    }
                    add(new Slice(b.name, b.ts, e.ts));
                }
            }
            for (Edge b : open) {
                problem("track " + id + ": B " + b.name + " at " + b.ts + " ns never ends");
            }
        }

        /** Sorted by start, longer first: each slice must end by the end of every slice still open around it. */
        void checkNesting() {
            slices.sort((a, b) -> a.start != b.start ? Long.compare(a.start, b.start) : Long.compare(b.end, a.end));
            List<Slice> stack = new ArrayList<>();
            for (Slice s : slices) {
                while (!stack.isEmpty() && stack.get(stack.size() - 1).end <= s.start) {
                    stack.remove(stack.size() - 1);
                }
                if (!stack.isEmpty() && s.end > stack.get(stack.size() - 1).end) {
                    Slice p = stack.get(stack.size() - 1);
                    problem("track " + id + ": slice " + s.name + " [" + s.start + ", " + s.end + "] ns overlaps "
                            + p.name + " [" + p.start + ", " + p.end + "] ns without nesting in it");
                }
                stack.add(s);
            }
            starts = new long[slices.size()];
            maxEnd = new long[slices.size()];
            long m = Long.MIN_VALUE;
            for (int i = 0; i < slices.size(); i++) {
                starts[i] = slices.get(i).start;
                m = Math.max(m, slices.get(i).end);
                maxEnd[i] = m;
            }
        }

        /** True if some slice of this track has start <= ts <= end. */
        boolean encloses(long ts) {
            int i = lastStartAtOrBefore(ts);
            return i >= 0 && maxEnd[i] >= ts;
        }

        /** True if some slice starts at or after ts (a flow end that binds to the next slice). */
        boolean sliceFrom(long ts) {
            return starts.length > 0 && starts[starts.length - 1] >= ts;
        }

        private int lastStartAtOrBefore(long ts) {
            int i = Arrays.binarySearch(starts, ts);
            if (i < 0) {
                return -i - 2;
            }
            while (i + 1 < starts.length && starts[i + 1] == ts) {
                i++;
            }
            return i;
        }
    }

    /** A flow's ends by id. */
    private final class Flow {
        final String id;
        final List<End> starts = new ArrayList<>();
        final List<End> steps = new ArrayList<>();
        final List<End> finishes = new ArrayList<>();

        Flow(String id) {
            this.id = id;
        }

        void check() {
            if (starts.size() != 1 || finishes.size() != 1) {
                problem("flow " + id + ": " + starts.size() + " start(s) and " + finishes.size()
                        + " finish(es); a flow needs exactly one of each");
                return;
            }
            End s = starts.get(0);
            End f = finishes.get(0);
            if (f.ts < s.ts) {
                problem("flow " + id + ": finishes at " + f.ts + " ns before it starts at " + s.ts + " ns");
            }
            List<End> all = new ArrayList<>(starts);
            all.addAll(steps);
            all.addAll(finishes);
            for (End e : all) {
                Track t = tracks.get(e.track);
                boolean bound = t != null && (e.nextSlice ? t.sliceFrom(e.ts) : t.encloses(e.ts));
                if (!bound) {
                    problem("flow " + id + ": the end at " + e.ts + " ns on track " + e.track
                            + (e.nextSlice ? " has no slice after it" : " is inside no slice"));
                }
            }
        }
    }
}
