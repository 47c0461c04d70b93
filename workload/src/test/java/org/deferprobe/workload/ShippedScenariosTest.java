package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.KnownBug;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scenarios in the repository's scenarios/ directory: they load, round-trip and hold on the real engines. */
class ShippedScenariosTest {
    /** Maven runs tests in the module directory. */
    static final Path SCENARIOS = Path.of("..", "scenarios");

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertFalse(json.isEmpty(), "no scenarios in " + SCENARIOS.toAbsolutePath());
            return json.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void loadsWithExpectationsAndRoundTrips(Path file) {
        Scenario s = ScenarioLoader.load(file);
        assertNotNull(s.expect(), file + " has no expect");
        assertTrue(file.getFileName().toString().startsWith("seed-"), file + " is not named after its seed");
        assertEquals(s, ScenarioLoader.parse(ScenarioJson.write(s), file.toString()));
    }

    /** B5's scenario: a livelock on every generic-list engine, which no engine fixes; indexed parks and passes. */
    static boolean isLivelock(Path file) {
        return file.getFileName().toString().contains("livelock");
    }

    /** The known bug each seed's scenario is there to catch. */
    static KnownBug bugOf(Path file) {
        String seed = file.getFileName().toString().substring(0, "seed-000".length());
        return switch (seed) {
            case "seed-000" -> KnownBug.B1_LOST_PROBE;
            case "seed-001", "seed-002" -> KnownBug.B2_LATE_RESOURCE;
            case "seed-003" -> KnownBug.B3_REMOVE_VS_ASYNC;
            case "seed-004" -> KnownBug.B4_PROBE_REGISTERS_DRIVER;
            default -> throw new IllegalStateException("no known bug for " + file);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void holdsOnEveryRealEngineExceptByKnownBug(Path file) {
        Scenario s = ScenarioLoader.load(file);
        for (EngineType type : EngineType.real()) {
            RunResult r = new ScenarioRunner(s).runSupervised(type, EngineConfig.defaults(), Duration.ofSeconds(20),
                    ScenarioRunner.Watch.NONE);
            if (isLivelock(file)) {
                if (type == EngineType.INDEXED) {
                    assertTrue(r.passed(), () -> "indexed parks the glue and stays quiet: " + r);
                } else {
                    assertTrue(r.violations().stream().anyMatch(v -> v.startsWith("livelock: ")),
                            () -> type.engineName() + " should report the B5 livelock and end it: " + r);
                }
                continue;
            }
            KnownBug bug = bugOf(file);
            if (!type.has(bug)) {
                assertTrue(r.passed(), () -> type.engineName() + " on " + file + ": " + r);
            } else if (bug == KnownBug.B2_LATE_RESOURCE) { // deterministic: nothing ever retries the consumer
                assertEquals(Boolean.FALSE, r.expectationsMet(), () -> type.engineName() + " should show " + bug + ": " + r);
                assertTrue(r.violations().isEmpty(), r::toString);
                if (s.hasLateInitcall()) { // the boot's timeout binds what B2 left: the miss shows as its when
                    assertEquals(List.of(), r.deferred().keySet().stream().toList(), r::toString);
                    assertTrue(r.mismatches().stream().allMatch(m -> m.startsWith("boundOnlyAtTimeout: ")),
                            r::toString);
                }
            }
        }
    }
}
