package org.deferprobe.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker itself: it accepts what the format allows and names what it does not. */
class TraceCheckTest {
    static TraceCheck.Result check(String json) throws IOException {
        return TraceCheck.check(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    static String trace(String... events) {
        return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[" + String.join(",", events) + "]}";
    }

    static String x(String name, String ts, String dur, int tid) {
        return "{\"name\":\"" + name + "\",\"ph\":\"X\",\"ts\":" + ts + ",\"dur\":" + dur + ",\"pid\":1,\"tid\":" + tid + "}";
    }

    static String flow(String ph, int id, String ts, int tid) {
        return "{\"name\":\"a -> b\",\"cat\":\"dependency\",\"ph\":\"" + ph + "\",\"id\":" + id + ",\"ts\":" + ts
                + ",\"pid\":1,\"tid\":" + tid + (ph.equals("f") ? ",\"bp\":\"e\"" : "") + "}";
    }

    static void assertProblem(TraceCheck.Result r, String fragment) {
        assertFalse(r.ok(), "accepted: " + r);
        assertTrue(r.problems().stream().anyMatch(p -> p.contains(fragment)), () -> "'" + fragment + "' not in " + r.problems());
    }

    @Test
    void aWellFormedTraceWithNestedSlicesAndAFlowPasses() throws IOException {
        TraceCheck.Result r = check(trace(
                "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"steps\"}}",
                x("pass", "0", "10", 1), x("a", "1.5", "2", 1), x("b", "4", "6", 1), // b ends with pass: nested
                "{\"name\":\"B\",\"ph\":\"B\",\"ts\":20,\"pid\":1,\"tid\":1}", x("c", "21", "1", 1),
                "{\"ph\":\"E\",\"ts\":30,\"pid\":1,\"tid\":1}",
                x("d", "0", "5", 2),
                flow("s", 7, "3.499", 1), flow("f", 7, "4.999", 2),
                "{\"name\":\"trigger\",\"ph\":\"i\",\"s\":\"t\",\"ts\":3,\"pid\":1,\"tid\":2}"));
        assertEquals(List.of(), r.problems());
        assertEquals(2, r.tracks());
        assertEquals(6, r.slices(), "5 X and one B/E pair");
        assertEquals(1, r.flows());
        assertEquals(5L, r.byPhase().get("X"));
    }

    @Test
    void overlappingSlicesOnOneTrackAreRejected() throws IOException {
        assertProblem(check(trace(x("a", "0", "10", 1), x("b", "5", "10", 1))), "overlaps a");
    }

    @Test
    void theSameTimesOnDifferentTracksAreFine() throws IOException {
        assertTrue(check(trace(x("a", "0", "10", 1), x("b", "5", "10", 2))).ok());
    }

    @Test
    void unmatchedBeginsAndEndsAreRejected() throws IOException {
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"B\",\"ts\":1,\"pid\":1,\"tid\":1}")), "never ends");
        assertProblem(check(trace("{\"ph\":\"E\",\"ts\":1,\"pid\":1,\"tid\":1}")), "closes no B");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"B\",\"ts\":1,\"pid\":1,\"tid\":1}",
                "{\"name\":\"b\",\"ph\":\"B\",\"ts\":2,\"pid\":1,\"tid\":1}",
                "{\"name\":\"a\",\"ph\":\"E\",\"ts\":3,\"pid\":1,\"tid\":1}",
                "{\"name\":\"b\",\"ph\":\"E\",\"ts\":4,\"pid\":1,\"tid\":1}")), "not nested");
    }

    @Test
    void aFlowWithOneEndOrOutsideEverySliceIsRejected() throws IOException {
        assertProblem(check(trace(x("a", "0", "10", 1), flow("s", 1, "5", 1))), "0 finish");
        assertProblem(check(trace(x("a", "0", "10", 1), flow("f", 1, "5", 1))), "0 start");
        assertProblem(check(trace(x("a", "0", "10", 1), x("b", "20", "10", 2), flow("s", 1, "15", 1),
                flow("f", 1, "25", 2))), "inside no slice");
        assertProblem(check(trace(x("a", "0", "10", 1), x("b", "0", "10", 2), flow("s", 1, "8", 1),
                flow("f", 1, "2", 2))), "before it starts");
    }

    @Test
    void missingRequiredFieldsAreNamed() throws IOException {
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"pid\":1,\"tid\":1}")), "dur");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"i\",\"pid\":1,\"tid\":1}")), "ts missing");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"i\",\"ts\":1,\"tid\":1}")), "pid and tid");
        assertProblem(check(trace("{\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1}")), "no name");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"Q\",\"ts\":1,\"pid\":1,\"tid\":1}")), "unknown");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"s\",\"ts\":1,\"pid\":1,\"tid\":1,\"cat\":\"c\"}")), "without id");
        assertProblem(check(trace("{\"name\":\"a\",\"ph\":\"i\",\"s\":\"x\",\"ts\":1,\"pid\":1,\"tid\":1}")), "scope");
        assertProblem(check(trace("{\"name\":\"bogus\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{}}")), "metadata");
        assertProblem(check("{\"traceEvents\":[{\"name\":\"a\",\"ph\":\"i\",\"ts\":1,"), "malformed JSON");
        assertProblem(check("{\"events\":[]}"), "no traceEvents");
    }

    @Test
    void timesAreComparedExactlyToTheNanosecond() throws IOException {
        // 0.001 us past its parent's end: a floating-point comparison of 1.1 + 2.2 against 3.3 could pass or fail
        assertProblem(check(trace(x("p", "1.1", "2.2", 1), x("c", "1.2", "2.101", 1))), "overlaps p");
        assertTrue(check(trace(x("p", "1.1", "2.2", 1), x("c", "1.2", "2.1", 1))).ok());
    }
}
