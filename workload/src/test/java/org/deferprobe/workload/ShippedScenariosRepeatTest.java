package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deferprobe.engine.EngineType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped scenario passes N repetitions in a row on every real engine that does not keep the
 * scenario's bug on purpose: races that a single run misses show up here. N is 10 in the build; the
 * acceptance run uses 200:
 * {@code mvn -B -pl workload -am test -Dtest=ShippedScenariosRepeatTest -Dsurefire.failIfNoSpecifiedTests=false -Dscenarios.repeat=200}.
 */
class ShippedScenariosRepeatTest {
    static final String REPEAT = "scenarios.repeat";

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.deferprobe.workload.ShippedScenariosTest#shipped")
    void passesRepeatedlyOnEveryEngineWithoutItsBug(Path file) {
        int repeat = Integer.getInteger(REPEAT, 10);
        Scenario s = ScenarioLoader.load(file);
        List<String> failures = new ArrayList<>();
        for (EngineType type : EngineType.real()) {
            if (ShippedScenariosTest.isLivelock(file) ? type != EngineType.INDEXED
                    : type.has(ShippedScenariosTest.bugOf(file))) {
                continue; // ShippedScenariosTest asserts the bug (or B5's livelock) itself
            }
            int passed = 0;
            for (int i = 0; i < repeat && failures.isEmpty(); i++) {
                RunResult r = new ScenarioRunner(s).runSupervised(type, org.deferprobe.engine.EngineConfig.defaults(),
                        Duration.ofSeconds(20), ScenarioRunner.Watch.NONE);
                if (r.passed()) {
                    passed++;
                } else {
                    failures.add(type.engineName() + " run " + (i + 1) + ": " + r);
                }
            }
            System.out.println("repeat " + file.getFileName() + " on " + type.engineName() + ": " + passed + "/" + repeat
                    + " passed in a row");
        }
        assertTrue(failures.isEmpty(), failures::toString);
    }
}
