package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A real engine added to {@link EngineType} without its one-line contract subclass fails here. */
class EveryEngineIsTestedTest {
    /** global-lock -> GlobalLockEngineTest */
    static String testClassFor(EngineType t) {
        String camel = Arrays.stream(t.engineName().split("-"))
                .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(Collectors.joining());
        return EngineContractTest.class.getPackageName() + "." + camel + "EngineTest";
    }

    @Test
    void everyRealEngineRunsTheContractSuite() {
        for (EngineType t : EngineType.real()) {
            try {
                Class<?> c = Class.forName(testClassFor(t));
                assertTrue(EngineContractTest.class.isAssignableFrom(c), c + " must extend EngineContractTest");
            } catch (ClassNotFoundException e) {
                fail("engine " + t.engineName() + " has no contract test: add class " + testClassFor(t)
                        + " extends EngineContractTest");
            }
        }
    }
}
