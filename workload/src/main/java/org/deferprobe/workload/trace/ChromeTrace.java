package org.deferprobe.workload.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.deferprobe.engine.EngineEvents.Outcome;

/**
 * Runs as a Chrome Trace Event Format file (the JSON that Perfetto's UI and chrome://tracing open), written as it
 * goes with Jackson's streaming generator: one run at a time is held in memory, never the file.
 *
 * <p>Layout: an object with {@code displayTimeUnit}, {@code otherData} and {@code traceEvents}. Each run
 * ({@link #add}) is a process named after its engine; each thread that did something is a track (tid = its lane,
 * named after the thread: the registering threads, the executor's workers that run async probes and the deferred
 * pass). On them: a complete slice ({@code ph X}) per probe attempt named after the device, args driver, outcome
 * (bound, deferred, failed) and reason; a slice per deferred pass; instants ({@code ph i}) for triggers,
 * publications, supplier-link deferrals, registrations, unregistrations, unbinds and the boot's late_initcall and
 * deferred_probe_timeout; and a flow ({@code ph s} then {@code ph f}, {@code bp e}) from the slice of a supplier's
 * bind or a resource's publication to each consumer's successful probe. A late publication (the executor's, after
 * the probe returned) gets a 2 ns slice of its own to carry its arrows.
 *
 * <p>Times: microseconds from the run's start ({@link Recording#startNanos()}), written with three decimals, so
 * nanosecond exact. A slice lasts at least 2 ns, and a flow end sits 1 ns before its slice's end, inside it and
 * after every slice nested in it (a probe's nested probes end before it checks its resources and returns).
 *
 * <p>Not thread-safe: one thread writes a file.
 */
public final class ChromeTrace implements Closeable {
    /** A flow end sits this long before the end of its slice, which lasts at least twice as long. */
    private static final long FLOW_INSET_NANOS = 1;
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonGenerator g;
    private int pid;
    private long nextFlowId = 1;
    private long written;

    /** Starts the file; {@link #close()} ends it and closes {@code out}. */
    public ChromeTrace(OutputStream out, Map<String, String> otherData) throws IOException {
        g = JSON.createGenerator(out, JsonEncoding.UTF8);
        g.writeStartObject();
        g.writeStringField("displayTimeUnit", "ms");
        g.writeObjectFieldStart("otherData");
        for (Map.Entry<String, String> e : otherData.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("traceEvents");
    }

    /** Events written so far. */
    public long eventsWritten() {
        return written;
    }

    /** Appends one run as a process named {@code processName} (the engine). */
    public void add(String processName, Timeline t) throws IOException {
        pid++;
        Recording r = t.recording();
        long t0 = r.startNanos();
        metadata("process_name", 0, "name", processName);
        metadata("process_sort_index", 0, "sort_index", pid);
        for (Recording.Lane lane : r.lanes()) {
            metadata("thread_name", lane.id(), "name", lane.thread());
            metadata("thread_sort_index", lane.id(), "sort_index", lane.id());
            for (Recording.Event e : lane.events()) {
                event(e, lane.id(), t0);
            }
        }
        for (Timeline.Publication p : t.publications()) {
            if (p.late()) {
                begin("X", "publish " + p.device() + " (late)", "publication", p.time(), p.lane(), t0);
                g.writeFieldName("dur");
                g.writeNumber(micros(2 * FLOW_INSET_NANOS));
                g.writeObjectFieldStart("args");
                g.writeStringField("device", p.device());
                stringArray("resources", p.resources());
                g.writeBooleanField("late", true);
                g.writeEndObject();
                end();
            }
        }
        for (Timeline.Flow f : t.flows()) {
            long id = nextFlowId++;
            long from = f.fromLate() != null ? f.fromLate().time() + FLOW_INSET_NANOS : flowTime(f.fromAttempt());
            int fromLane = f.fromLate() != null ? f.fromLate().lane() : f.fromAttempt().lane();
            begin("s", f.label(), "dependency", from, fromLane, t0);
            g.writeNumberField("id", id);
            end();
            begin("f", f.label(), "dependency", flowTime(f.to()), f.to().lane(), t0);
            g.writeNumberField("id", id);
            g.writeStringField("bp", "e");
            end();
        }
        g.flush();
    }

    /** A slice's end as written: at least 2 ns after its start. */
    static long sliceEnd(long start, long end) {
        return Math.max(end, start + 2 * FLOW_INSET_NANOS);
    }

    private static long flowTime(Timeline.Attempt a) {
        return sliceEnd(a.start(), a.end()) - FLOW_INSET_NANOS;
    }

    private void event(Recording.Event e, int tid, long t0) throws IOException {
        switch (e.kind()) {
            case PROBE -> {
                begin("X", e.device(), "probe", e.start(), tid, t0);
                g.writeFieldName("dur");
                g.writeNumber(micros(sliceEnd(e.start(), e.end()) - e.start()));
                g.writeStringField("cname", e.outcome() == Outcome.BOUND ? "good"
                        : e.outcome() == Outcome.DEFERRED ? "yellow" : "terrible");
                g.writeObjectFieldStart("args");
                g.writeStringField("driver", e.driver());
                g.writeStringField("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
                if (e.detail() != null) {
                    g.writeStringField("reason", e.detail());
                }
                g.writeEndObject();
                end();
            }
            case PASS -> {
                begin("X", "deferred pass", "pass", e.start(), tid, t0);
                g.writeFieldName("dur");
                g.writeNumber(micros(sliceEnd(e.start(), e.end()) - e.start()));
                end();
            }
            case TRIGGERED -> instant("trigger", "trigger", e, tid, t0, "t");
            case PUBLISHED -> {
                instantStart("publish " + e.device(), "publication", e, tid, t0, "t");
                g.writeObjectFieldStart("args");
                g.writeStringField("device", e.device());
                stringArray("resources", e.resources());
                g.writeEndObject();
                end();
            }
            case SUPPLIER_DEFERRED -> {
                instantStart(e.device() + " waits for supplier " + e.detail(), "supplier-deferral", e, tid, t0, "t");
                g.writeObjectFieldStart("args");
                g.writeStringField("device", e.device());
                g.writeStringField("driver", e.driver());
                g.writeStringField("supplier", e.detail());
                g.writeEndObject();
                end();
            }
            case BOUND -> {
                // the probe's slice says it (outcome bound); an instant as well would double every bind
            }
            case UNBOUND -> instant("unbind " + e.device(), "binding", e, tid, t0, "t");
            case DEVICE_REGISTERED -> instant("register " + e.device(), "registration", e, tid, t0, "t");
            case DEVICE_UNREGISTERED -> instant("unregister " + e.device(), "registration", e, tid, t0, "t");
            case DRIVER_REGISTERED -> instant("register driver " + e.driver(), "registration", e, tid, t0, "t");
            case DRIVER_UNREGISTERED -> instant("unregister driver " + e.driver(), "registration", e, tid, t0, "t");
            case PROBING_ENABLED -> instant("late_initcall: deferred probing enabled", "boot", e, tid, t0, "p");
            case PROBE_TIMEOUT -> instant("deferred_probe_timeout fired", "boot", e, tid, t0, "p");
            case PROBE_PENDING -> {
                instantStart("deferred probe pending: " + e.device(), "boot", e, tid, t0, "t");
                g.writeObjectFieldStart("args");
                g.writeStringField("reason", e.detail());
                g.writeEndObject();
                end();
            }
            default -> throw new IllegalStateException("bad event kind " + e.kind());
        }
    }

    private void instant(String name, String cat, Recording.Event e, int tid, long t0, String scope) throws IOException {
        instantStart(name, cat, e, tid, t0, scope);
        end();
    }

    private void instantStart(String name, String cat, Recording.Event e, int tid, long t0, String scope)
            throws IOException {
        begin("i", name, cat, e.start(), tid, t0);
        g.writeStringField("s", scope);
    }

    private void begin(String ph, String name, String cat, long nanos, int tid, long t0) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("cat", cat);
        g.writeStringField("ph", ph);
        g.writeFieldName("ts");
        g.writeNumber(micros(nanos - t0));
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
    }

    private void end() throws IOException {
        g.writeEndObject();
        written++;
    }

    private void metadata(String name, int tid, String arg, Object value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (value instanceof Integer i) {
            g.writeNumberField(arg, i);
        } else {
            g.writeStringField(arg, String.valueOf(value));
        }
        g.writeEndObject();
        end();
    }

    private void stringArray(String field, java.util.List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Nanoseconds as microseconds with three decimals, exactly ("1234.005"). */
    static String micros(long nanos) {
        long abs = Math.abs(nanos);
        long frac = abs % 1000;
        return (nanos < 0 ? "-" : "") + abs / 1000 + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }

    @Override
    public void close() throws IOException {
        g.writeEndArray();
        g.writeEndObject();
        g.close();
    }
}
