package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.EngineType;
import org.junit.jupiter.api.Test;

class RandomScenariosTest {

    @Test
    void sameSeedSameScenarioOtherSeedOtherScenario() {
        Scenario a = RandomScenarios.generate(7, 200, 3, 0.5, 10);
        Scenario b = RandomScenarios.generate(7, 200, 3, 0.5, 10);
        Scenario c = RandomScenarios.generate(8, 200, 3, 0.5, 10);
        assertEquals(a, b);
        assertNotEquals(a.devices(), c.devices());
    }

    @Test
    void requiresOnlyEarlierDevicesWithinFanIn() {
        Scenario s = RandomScenarios.generate(1, 500, 4, 0, 0);
        assertEquals(500, s.devices().size());
        assertEquals(500, s.drivers().size());
        for (int i = 0; i < s.devices().size(); i++) {
            DeviceSpec d = s.devices().get(i);
            assertEquals("dev-" + i, d.name());
            assertTrue(d.requires().size() <= 4, d.name() + " requires " + d.requires());
            assertEquals(d.requires().size(), new HashSet<>(d.requires()).size(), "distinct requirements");
            for (String r : d.requires()) {
                assertTrue(Integer.parseInt(r.substring(4)) < i, d.name() + " requires later " + r);
            }
        }
    }

    @Test
    void asyncFractionAndProbeMicrosApply() {
        Scenario all = RandomScenarios.generate(3, 100, 2, 1.0, 250);
        assertTrue(all.drivers().stream().allMatch(d -> d.probe() == org.deferprobe.engine.ProbeType.ASYNC));
        assertTrue(all.drivers().stream().allMatch(d -> d.probeMicros() == 250));
        Scenario none = RandomScenarios.generate(3, 100, 2, 0.0, 0);
        assertTrue(none.drivers().stream().allMatch(d -> d.probe() == org.deferprobe.engine.ProbeType.SYNC));
    }

    @Test
    void driversAreRegisteredInAShuffledOrderThatNamesEachOnce() {
        Scenario s = RandomScenarios.generate(5, 300, 3, 0, 0);
        Step.RegisterDrivers step = (Step.RegisterDrivers) s.steps().get(1);
        assertEquals(300, new HashSet<>(step.names()).size());
        assertNotEquals(s.drivers().stream().map(DriverSpec::name).toList(), step.names());
    }

    @Test
    void longestChainOfAHandMadeGraph() {
        // a <- b <- c, a <- d: chain a, b, c has 3 devices
        Scenario s = new Scenario("chain", List.of(DriverSpec.of("a").withProbeMicros(100),
                DriverSpec.of("b").withProbeMicros(10), DriverSpec.of("c").withProbeMicros(1),
                DriverSpec.of("d").withProbeMicros(1000)),
                List.of(DeviceSpec.of("a"), DeviceSpec.of("b", "a"), DeviceSpec.of("c", "b"), DeviceSpec.of("d", "a")),
                Scenario.DEFAULT_STEPS, null);
        assertEquals(3, RandomScenarios.longestChain(s));
        assertEquals(1100, RandomScenarios.criticalPathMicros(s), "a then d is the heaviest chain");
    }

    /** A supplier link waits for the supplier's probe to end; so does a child of a device, registered at its end. */
    @Test
    void suppliersAndChildrenInTheCriticalPath() {
        DeviceSpec phy = DeviceSpec.of("phy").withChildren(DeviceSpec.of("phy-port"));
        Scenario s = new Scenario("links", List.of(DriverSpec.of("clk").withProbeMicros(100),
                DriverSpec.of("phy").withProbeMicros(1000), DriverSpec.of("phy-port").withProbeMicros(10),
                DriverSpec.of("usb").withProbeMicros(1)),
                List.of(DeviceSpec.of("clk"), phy.withSuppliers("clk"),
                        DeviceSpec.of("usb").withSuppliers("phy-port")), Scenario.DEFAULT_STEPS, null);
        // clk 0-100, phy 100-1100, its child phy-port registered at 1100: 1100-1110, usb 1110-1111
        assertEquals(1111, RandomScenarios.criticalPathMicros(s));
        Scenario deeper = s.mapDrivers(d -> d.name().equals("usb") ? d.withProbeMicros(5000) : d);
        assertEquals(6110, RandomScenarios.criticalPathMicros(deeper), "clk, phy, phy-port, usb");
        assertEquals(4, RandomScenarios.longestChain(s), "clk, phy, phy-port, usb");
    }

    @Test
    void randomGraphChainTimesProbeIsTheCriticalPath() {
        Scenario s = RandomScenarios.generate(11, 400, 3, 0.5, 100);
        int chain = RandomScenarios.longestChain(s);
        assertTrue(chain >= 2 && chain <= 400, "chain " + chain);
        assertEquals(chain * 100L, RandomScenarios.criticalPathMicros(s));
    }

    @Test
    void cycleIsRejectedByName() {
        Scenario s = new Scenario("cycle", List.of(DriverSpec.of("a"), DriverSpec.of("b")),
                List.of(DeviceSpec.of("a", "b"), DeviceSpec.of("b", "a")), Scenario.DEFAULT_STEPS, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomScenarios.longestChain(s));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RandomScenarios.generate(1, 0, 1, 0, 0))
                .getMessage().contains("devices=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RandomScenarios.generate(1, 5, 1, 1.5, 0))
                .getMessage().contains("asyncFraction=1.5"));
    }

    @Test
    void everyDeviceBindsOnEveryRealEngine() {
        Scenario s = RandomScenarios.generate(42, 300, 3, 0.3, 0);
        Set<String> all = new HashSet<>();
        s.devices().forEach(d -> all.add(d.name()));
        for (EngineType type : EngineType.real()) {
            RunResult r = new ScenarioRunner(s).run(type, Duration.ofSeconds(30));
            assertTrue(r.violations().isEmpty(), type + ": " + r.violations());
            assertEquals(all, new HashSet<>(r.bound()), type + " left deferred " + r.deferred().keySet());
        }
    }
}
