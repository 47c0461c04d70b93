package org.deferprobe.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deferprobe.engine.EngineType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The CLI contract of docs/scenario-format.md, through {@link Main#execute}. */
class MainTest {
    /** Maven runs tests in the module directory. */
    static final Path SCENARIOS = Path.of("..", "scenarios");
    static final Path SEED_000 = SCENARIOS.resolve("seed-000-kirkwood-sequential.json");
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    /** Exit 2, exactly one line on stderr containing each fragment, no stack trace. */
    static void assertBadInput(Result r, String... fragments) {
        assertEquals(2, r.status(), r::toString);
        String err = r.err();
        assertTrue(err.endsWith("\n"), r::toString);
        assertEquals(1, err.lines().count(), () -> "not one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("at org.") || err.contains("at java."), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), () -> "'" + f + "' not in: " + err);
        }
    }

    /** B5 from a scenario: every generic-list engine livelocks, run reports it, ends it and exits 1; indexed passes. */
    @Test
    void theDwc3LivelockIsReportedAndEndedNeverHung() throws IOException {
        Path b5 = SCENARIOS.resolve("seed-002-dwc3-probe-livelock.json");
        Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(90),
                () -> run("run", "--scenario", b5.toString(), "--engine", "all", "--json", "--timeout", "20s"));
        assertEquals(1, r.status(), r::toString);
        for (String line : r.out().lines().toList()) {
            JsonNode o = MAPPER.readTree(line);
            String engine = o.get("engine").textValue();
            List<String> violations = new ArrayList<>();
            o.get("violations").forEach(v -> violations.add(v.textValue()));
            if (engine.equals("indexed")) {
                assertEquals(List.of(), violations, line);
                assertTrue(o.get("expectationsMet").booleanValue(), line);
            } else {
                assertTrue(violations.stream().anyMatch(v -> v.startsWith("livelock: dwc3-glue.0 probed ")), line);
            }
        }
    }

    /**
     * Seed 004 as it happened, on locking-2026: optee's probe holds its device's lock, the service device it
     * registers attaches inside it, and that probe's driver registration takes every platform device's lock,
     * optee's included. The validator reports the recursive acquisition first, naming both, then the watchdog the
     * deadlock; run ends it instead of hanging, and exits 1.
     */
    @Test
    void locking2026OnSeed004AsItHappenedReportsRecursiveLockingThenTheDeadlock() throws IOException {
        Path seed004 = SCENARIOS.resolve("seed-004-optee-scmi-as-it-happened.json");
        Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run("run", "--scenario", seed004.toString(), "--engine", "locking-2026", "--json"));
        assertEquals(1, r.status(), r::toString);
        JsonNode o = MAPPER.readTree(r.out());
        List<String> violations = new ArrayList<>();
        o.get("violations").forEach(v -> violations.add(v.textValue()));
        assertTrue(violations.size() >= 2, violations::toString);
        assertTrue(violations.get(0).startsWith("recursive-locking: ") && violations.get(0).contains(
                "acquire device firmware:optee") && violations.get(0).contains("but already holds it (taken at "),
                violations::toString);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("deadlock: ")), violations::toString);
        Result real = run("run", "--scenario", seed004.toString(), "--engine", "all");
        assertEquals(0, real.status(), real::toString);
    }

    @Test
    void jsonOnSeed000WithAllEngines() throws IOException {
        Result r = run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--json", "--timeout", "20s");
        assertEquals(0, r.status(), r::toString);
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(EngineType.real().size(), lines.size(), r.out());
        List<String> engines = new ArrayList<>();
        for (String line : lines) {
            JsonNode o = MAPPER.readTree(line);
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("scenario", "engine", "devices", "bound", "deferred", "failed", "unbound", "stats",
                    "violations", "expectationsMet", "errors", "mismatches", "bindLatencyMicros",
                    "deferredProbePending"), fields);
            List<String> stats = new ArrayList<>();
            o.get("stats").fieldNames().forEachRemaining(stats::add);
            assertEquals(List.of("probeCalls", "binds", "deferrals", "triggers", "passes", "makespanMicros",
                    "supplierDeferrals"), stats);
            JsonNode latency = o.get("bindLatencyMicros");
            assertEquals(5, latency.get("binds").intValue(), line);
            assertTrue(latency.get("p50").longValue() <= latency.get("p99").longValue(), line);
            assertTrue(latency.get("p99").longValue() <= latency.get("max").longValue(), line);
            assertEquals(latency.get("max").longValue(), latency.get("worst").get("micros").longValue(), line);
            assertEquals(0, latency.get("boundOnlyAtTimeout").size(), line); // no late-initcall step
            assertEquals(0, o.get("deferredProbePending").size(), line);
            assertTrue(o.get("expectationsMet").booleanValue(), line);
            assertEquals(5, o.get("devices").intValue(), line);
            assertEquals(5, o.get("bound").size(), line);
            assertTrue(o.get("deferred").isObject(), line);
            engines.add(o.get("engine").textValue());
        }
        assertEquals(EngineType.real().stream().map(EngineType::engineName).toList(), engines);
    }

    @Test
    void readableSummary() {
        Result r = run("run", "--scenario", SEED_000.toString(), "--engine", "global-lock");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("global-lock") && r.out().contains("PASS") && r.out().contains("5 bound"), r.out());
    }

    @Test
    void unmetExpectationExits1() throws IOException {
        Path file = dir.resolve("unmet.json");
        Files.writeString(file, """
                {"format": 1, "drivers": [{"name": "consumer"}],
                 "devices": [{"name": "consumer", "requires": ["never-published"]}],
                 "expect": {"bound": ["consumer"]}}
                """);
        Result r = run("run", "--scenario", file.toString(), "--engine", "all", "--json");
        assertEquals(1, r.status(), r::toString);
        for (String line : r.out().lines().toList()) {
            JsonNode o = MAPPER.readTree(line);
            assertFalse(o.get("expectationsMet").booleanValue(), line);
            assertEquals("waiting for never-published", o.get("deferred").get("consumer").textValue(), line);
            assertEquals(1, o.get("mismatches").size(), line);
        }
        Result text = run("run", "--scenario", file.toString(), "--engine", "kernel");
        assertEquals(1, text.status());
        assertTrue(text.out().contains("FAIL") && text.out().contains("mismatch: bound"), text.out());
    }

    @Test
    void noExpectIsNullAndExits0() throws IOException {
        Path file = dir.resolve("noexpect.json");
        Files.writeString(file, "{\"drivers\":[{\"name\":\"a\"}],\"devices\":[{\"name\":\"a\"}]}");
        Result r = run("run", "--scenario", file.toString(), "--engine", "kernel", "--json");
        assertEquals(0, r.status(), r::toString);
        JsonNode o = MAPPER.readTree(r.out());
        assertTrue(o.get("expectationsMet").isNull(), r.out());
        assertEquals("noexpect.json", o.get("scenario").textValue());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.json");
        assertBadInput(run("run", "--scenario", file.toString(), "--engine", "all"), file.toString(), "no such file");
    }

    @Test
    void malformedJson() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"format\": 1,\n  \"drivers\": [\n");
        assertBadInput(run("run", "--scenario", file.toString(), "--engine", "all"), file.toString(), "line ", "column ",
                "malformed JSON");
    }

    @Test
    void unknownField() throws IOException {
        Path file = dir.resolve("typo.json");
        Files.writeString(file, "{\"drivers\": [{\"name\": \"a\", \"probeMicro\": 5}]}");
        assertBadInput(run("run", "--scenario", file.toString(), "--engine", "kernel"), file.toString(),
                "drivers[0].probeMicro", "unknown field");
    }

    @Test
    void unknownEngine() {
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "fastest"), "--engine", "fastest",
                "global-lock");
    }

    @Test
    void badTimeout() {
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--timeout", "soon"),
                "--timeout", "soon");
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--timeout", "0s"),
                "--timeout", "0s");
    }

    @Test
    void probeMicrosWithJson() {
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--probe-micros", "100"),
                SEED_000.toString(), "--probe-micros");
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--probe-micros", "-1"),
                "--probe-micros");
    }

    static final Path EXAMPLE_BOARD = SCENARIOS.resolve("devicetree").resolve("example-board.dtb");

    @Test
    void aCorruptDeviceTreeIsBadInput() throws IOException {
        Path file = dir.resolve("board.dtb");
        Files.write(file, new byte[] {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 0, 0, 0x38});
        assertBadInput(run("run", "--scenario", file.toString(), "--engine", "all"), file.toString(), "header");
        assertBadInput(run("import", file.toString()), file.toString(), "header");
    }

    @Test
    void aDeviceTreeRunsOnEveryEngineWithProbeMicrosAndEveryDeviceBinds() throws IOException {
        Result r = run("run", "--scenario", EXAMPLE_BOARD.toString(), "--engine", "all", "--json",
                "--probe-micros", "50", "--timeout", "20s");
        assertEquals(0, r.status(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(EngineType.real().size(), lines.size(), r::toString);
        for (String line : lines) {
            JsonNode o = MAPPER.readTree(line);
            assertEquals(o.get("devices").asInt(), o.get("bound").size(), line);
            assertTrue(o.get("expectationsMet").isNull(), line);
        }
    }

    @Test
    void aDirectoryRunsAsARackOfBoards() throws IOException {
        Path rack = dir.resolve("rack");
        Files.createDirectories(rack);
        Files.copy(EXAMPLE_BOARD, rack.resolve("one.dtb"));
        Files.copy(EXAMPLE_BOARD, rack.resolve("two.dtb"));
        Result r = run("run", "--scenario", rack.toString(), "--engine", "kernel", "--json", "--timeout", "20s");
        assertEquals(0, r.status(), r::toString);
        JsonNode o = MAPPER.readTree(r.out().lines().findFirst().orElseThrow());
        assertEquals(22, o.get("devices").asInt());
        assertEquals(22, o.get("bound").size());
    }

    @Test
    void importWritesAJsonScenarioThatRunsTheSame() throws IOException {
        Path out = dir.resolve("board.json");
        Result imported = run("import", EXAMPLE_BOARD.toString(), "-o", out.toString());
        assertEquals(0, imported.status(), imported::toString);
        Result toStdout = run("import", EXAMPLE_BOARD.toString());
        assertEquals(Files.readString(out), toStdout.out());
        Result r = run("run", "--scenario", out.toString(), "--engine", "global-lock", "--json");
        assertEquals(0, r.status(), r::toString);
        assertEquals(11, MAPPER.readTree(r.out().trim()).get("bound").size());
        assertBadInput(run("import", dir.resolve("missing.dtb").toString()), "missing.dtb", "no such file");
    }

    @Test
    void usageErrors() {
        assertBadInput(run("run", "--engine", "all"), "--scenario");
        assertBadInput(run("run", "--scenario", SEED_000.toString(), "--engine", "all", "--bogus"), "--bogus");
        assertBadInput(run("frobnicate"), "frobnicate");
        assertBadInput(run(), "missing command");
    }

    @Test
    void help() {
        Result top = run("--help");
        assertEquals(0, top.status(), top::toString);
        assertTrue(top.out().contains("run") && top.out().contains("Exit status"), top.out());
        Result sub = run("run", "--help");
        assertEquals(0, sub.status(), sub::toString);
        for (String flag : List.of("--scenario", "--engine", "--json", "--timeout", "--probe-micros")) {
            assertTrue(sub.out().contains(flag), () -> flag + " not in: " + sub.out());
        }
        assertEquals(0, run("help", "run").status());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(60), Durations.parse("60s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        for (String bad : List.of("60", "-1s", "1.5s", "s", "0ms", "PT60S", "")) {
            try {
                Durations.parse(bad);
                throw new AssertionError(bad + " parsed");
            } catch (TypeConversionException expected) {
                // fine
            }
        }
    }
}
