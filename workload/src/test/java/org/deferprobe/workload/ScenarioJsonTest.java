package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.ProbeType;
import org.junit.jupiter.api.Test;

class ScenarioJsonTest {

    @Test
    void roundTripsEveryFieldAndStep() {
        DriverSpec leaf = DriverSpec.of("leaf").withBus("scmi").withMatches();
        DeviceSpec child = DeviceSpec.of("child").withBus("tee").withCompatible("ta");
        DriverSpec mid = DriverSpec.of("mid").registering(leaf).failing().registeringDevices(child);
        DriverSpec top = new DriverSpec("top \"quoted\"", "i2c", List.of("m1", "m2"), ProbeType.ASYNC, 7, 8, 9,
                List.of(mid, leaf), false);
        Scenario s = new Scenario("every field", List.of(top, mid, leaf),
                List.of(DeviceSpec.of("d", "r1", "r2").withBus("i2c").withCompatible("m2").withProvides(),
                        DeviceSpec.of("e"), child),
                List.of(new Step.RegisterDevices(List.of("d")), new Step.RegisterDevices(null),
                        new Step.RegisterDrivers(List.of()),
                        new Step.Concurrent(4, List.of(new Step.RegisterDrivers(null), new Step.Trigger(),
                                new Step.UnregisterDriver("mid"))),
                        new Step.UnregisterDevice("e"), new Step.Trigger(), new Step.WaitForDeviceProbe(),
                        new Step.Quiesce()),
                new Expect(Set.of("d"), Set.of(), null, Set.of("e")));
        assertEquals(s, ScenarioLoader.parse(ScenarioJson.write(s), "rt.json"));
    }

    @Test
    void roundTripsDefaultsAndLeavesThemOut() {
        Scenario s = new Scenario("defaults", List.of(DriverSpec.of("a")), List.of(DeviceSpec.of("a")),
                Scenario.DEFAULT_STEPS, null);
        String json = ScenarioJson.write(s);
        assertEquals(s, ScenarioLoader.parse(json, "d.json"));
        assertFalse(json.contains("steps") || json.contains("bus") || json.contains("expect"), json);
    }

    @Test
    void roundTripsEmpty() {
        Scenario s = new Scenario("empty", List.of(), List.of(), List.of(), new Expect(null, null, null, null));
        assertEquals(s, ScenarioLoader.parse(ScenarioJson.write(s), "e.json"));
    }

    @Test
    void refusesARegisteredDeviceTheScenarioDoesNotHave() {
        Scenario s = new Scenario("orphan", List.of(DriverSpec.of("a").registeringDevices(DeviceSpec.of("ghost"))),
                List.of(), List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> ScenarioJson.write(s));
    }

    @Test
    void refusesANestedDriverTheScenarioDoesNotHave() {
        Scenario s = new Scenario("orphan", List.of(DriverSpec.of("a").registering(DriverSpec.of("ghost"))),
                List.of(), List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> ScenarioJson.write(s));
    }
}
