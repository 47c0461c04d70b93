package org.deferprobe.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.ProbeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLoaderTest {
    @TempDir
    Path dir;

    private static final String D = "{\"format\":1,\"drivers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
            + "\"devices\":[{\"name\":\"a\"},{\"name\":\"b\"}],";

    /** kind of problem, document, the field the message must name, a fragment it must contain (the value). */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"format\":1,\n \"drivers\": [}", "line 2, column 14", "malformed JSON"),
                Arguments.of("duplicate JSON key", "{\"format\":1,\"name\":\"x\",\n\"name\":\"y\"}", "line 2", "Duplicate field 'name'"),
                Arguments.of("trailing garbage", "{\"format\":1} x", "line 1", "malformed JSON"),
                Arguments.of("empty file", "", null, "empty file"),
                Arguments.of("top level not an object", "[1]", "top level", "got [1]"),
                Arguments.of("format 2", "{\"format\":2}", "format", "got 2"),
                Arguments.of("format string", "{\"format\":\"1\"}", "format", "got \"1\""),
                Arguments.of("unknown top field", "{\"format\":1,\"driver\":[]}", "driver", "unknown field"),
                Arguments.of("unknown driver field", "{\"drivers\":[{\"name\":\"a\",\"probeMicro\":5}]}", "drivers[0].probeMicro", "unknown field"),
                Arguments.of("unknown device field", "{\"devices\":[{\"name\":\"a\",\"require\":[]}]}", "devices[0].require", "unknown field"),
                Arguments.of("unknown step field", D + "\"steps\":[{\"op\":\"trigger\",\"now\":true}]}", "steps[0].now", "unknown field"),
                Arguments.of("unknown expect field", D + "\"expect\":{\"bund\":[]}}", "expect.bund", "unknown field"),
                Arguments.of("drivers not an array", "{\"drivers\":{}}", "drivers", "must be a JSON array, got {}"),
                Arguments.of("driver not an object", "{\"drivers\":[\"a\"]}", "drivers[0]", "got \"a\""),
                Arguments.of("name a number", "{\"drivers\":[{\"name\":7}]}", "drivers[0].name", "got 7"),
                Arguments.of("empty name", "{\"devices\":[{\"name\":\"\"}]}", "devices[0].name", "got \"\""),
                Arguments.of("matches not strings", "{\"drivers\":[{\"name\":\"a\",\"matches\":[\"a\",3]}]}", "drivers[0].matches[1]", "got 3"),
                Arguments.of("requires not a list", "{\"devices\":[{\"name\":\"a\",\"requires\":\"b\"}]}", "devices[0].requires", "got \"b\""),
                Arguments.of("bad probe type", "{\"drivers\":[{\"name\":\"a\",\"probe\":\"fast\"}]}", "drivers[0].probe", "got \"fast\""),
                Arguments.of("fails not boolean", "{\"drivers\":[{\"name\":\"a\",\"fails\":\"yes\"}]}", "drivers[0].fails", "got \"yes\""),
                Arguments.of("negative probeMicros", "{\"drivers\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\",\"probeMicros\":-5}]}", "drivers[2].probeMicros", "must be a non-negative integer, got -5"),
                Arguments.of("negative spinMicros", "{\"drivers\":[{\"name\":\"a\",\"spinMicros\":-1}]}", "drivers[0].spinMicros", "got -1"),
                Arguments.of("negative publishDelayMicros", "{\"drivers\":[{\"name\":\"a\",\"publishDelayMicros\":-2}]}", "drivers[0].publishDelayMicros", "got -2"),
                Arguments.of("fractional duration", "{\"drivers\":[{\"name\":\"a\",\"probeMicros\":1.5}]}", "drivers[0].probeMicros", "got 1.5"),
                Arguments.of("missing driver name", "{\"drivers\":[{\"bus\":\"pci\"}]}", "drivers[0].name", "required"),
                Arguments.of("missing device name", "{\"devices\":[{\"bus\":\"pci\"}]}", "devices[0].name", "required"),
                Arguments.of("duplicate driver", "{\"drivers\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "drivers[1].name", "duplicate driver name \"a\" (first at drivers[0])"),
                Arguments.of("duplicate device", "{\"devices\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "devices[1].name", "duplicate device name \"a\""),
                Arguments.of("unknown registersDrivers", "{\"drivers\":[{\"name\":\"a\",\"registersDrivers\":[\"zz\"]}]}", "drivers[0].registersDrivers[0]", "unknown driver \"zz\""),
                Arguments.of("registersDrivers cycle", "{\"drivers\":[{\"name\":\"a\",\"registersDrivers\":[\"b\"]},{\"name\":\"b\",\"registersDrivers\":[\"a\"]}]}", "drivers[1].registersDrivers[0]", "a -> b -> a"),
                Arguments.of("registersDrivers itself", "{\"drivers\":[{\"name\":\"a\",\"registersDrivers\":[\"a\"]}]}", "drivers[0].registersDrivers[0]", "a -> a"),
                Arguments.of("unknown driver in step", D + "\"steps\":[{\"op\":\"register-drivers\",\"names\":[\"a\",\"zz\"]}]}", "steps[0].names[1]", "unknown driver \"zz\""),
                Arguments.of("unknown device in step", D + "\"steps\":[{\"op\":\"register-devices\",\"names\":[\"zz\"]}]}", "steps[0].names[0]", "unknown device \"zz\""),
                Arguments.of("unknown device to unregister", D + "\"steps\":[{\"op\":\"unregister-device\",\"name\":\"zz\"}]}", "steps[0].name", "unknown device \"zz\""),
                Arguments.of("unknown driver to unregister", D + "\"steps\":[{\"op\":\"unregister-driver\",\"name\":\"zz\"}]}", "steps[0].name", "unknown driver \"zz\""),
                Arguments.of("unregister without name", D + "\"steps\":[{\"op\":\"unregister-driver\"}]}", "steps[0].name", "required"),
                Arguments.of("step names a probe-registered driver", "{\"drivers\":[{\"name\":\"a\",\"registersDrivers\":[\"b\"]},{\"name\":\"b\"}],\"steps\":[{\"op\":\"register-drivers\",\"names\":[\"b\"]}]}", "steps[0].names[0]", "registered by the probe of \"a\""),
                Arguments.of("unknown registersDevices", "{\"drivers\":[{\"name\":\"a\",\"registersDevices\":[\"zz\"]}],\"devices\":[{\"name\":\"a\"}]}", "drivers[0].registersDevices[0]", "unknown device \"zz\""),
                Arguments.of("registersDevices not a list", "{\"drivers\":[{\"name\":\"a\",\"registersDevices\":\"b\"}]}", "drivers[0].registersDevices", "got \"b\""),
                Arguments.of("a device registered by two probes", "{\"drivers\":[{\"name\":\"a\",\"registersDevices\":[\"c\"]},{\"name\":\"b\",\"registersDevices\":[\"c\"]}],\"devices\":[{\"name\":\"c\"}]}", "drivers[1].registersDevices[0]", "already registered by the probe of \"a\""),
                Arguments.of("step names a probe-registered device", "{\"drivers\":[{\"name\":\"a\",\"registersDevices\":[\"c\"]}],\"devices\":[{\"name\":\"a\"},{\"name\":\"c\"}],\"steps\":[{\"op\":\"register-devices\",\"names\":[\"a\",\"c\"]}]}", "steps[0].names[1]", "device \"c\" is registered by the probe of \"a\" (registersDevices)"),
                Arguments.of("unknown op", D + "\"steps\":[{\"op\":\"quiesce\"},{\"op\":\"reboot\"}]}", "steps[1].op", "unknown op \"reboot\""),
                Arguments.of("missing op", D + "\"steps\":[{\"names\":[\"a\"]}]}", "steps[0].op", "required"),
                Arguments.of("threads 0", D + "\"steps\":[{\"op\":\"concurrent\",\"threads\":0,\"steps\":[{\"op\":\"trigger\"}]}]}", "steps[0].threads", "got 0"),
                Arguments.of("threads missing", D + "\"steps\":[{\"op\":\"concurrent\",\"steps\":[{\"op\":\"trigger\"}]}]}", "steps[0].threads", "required"),
                Arguments.of("nested concurrent", D + "\"steps\":[{\"op\":\"concurrent\",\"threads\":2,\"steps\":[{\"op\":\"concurrent\",\"threads\":2,\"steps\":[]}]}]}", "steps[0].steps[0].op", "cannot be nested"),
                Arguments.of("quiesce in concurrent", D + "\"steps\":[{\"op\":\"concurrent\",\"threads\":2,\"steps\":[{\"op\":\"quiesce\"}]}]}", "steps[0].steps[0].op", "quiesce cannot be nested"),
                Arguments.of("unknown name in concurrent", D + "\"steps\":[{\"op\":\"concurrent\",\"threads\":2,\"steps\":[{\"op\":\"register-drivers\",\"names\":[\"zz\"]}]}]}", "steps[0].steps[0].names[0]", "unknown driver \"zz\""),
                Arguments.of("name on a names step", D + "\"steps\":[{\"op\":\"register-drivers\",\"name\":\"a\"}]}", "steps[0].name", "takes \"names\""),
                Arguments.of("names on a name step", D + "\"steps\":[{\"op\":\"unregister-device\",\"names\":[\"a\"]}]}", "steps[0].names", "takes \"name\""),
                Arguments.of("expect unknown device", D + "\"expect\":{\"bound\":[\"a\",\"zz\"]}}", "expect.bound[1]", "unknown device \"zz\""),
                Arguments.of("expect not a list", D + "\"expect\":{\"failed\":\"a\"}}", "expect.failed", "got \"a\""),
                Arguments.of("expect device twice", D + "\"expect\":{\"bound\":[\"a\"],\"deferred\":[\"a\"]}}", "expect.deferred[0]", "also expected bound"),
                Arguments.of("unknown fwDevlink mode", "{\"format\":1,\"fwDevlink\":\"strict\"}", "fwDevlink", "got \"strict\""),
                Arguments.of("fwDevlink not a string", "{\"format\":1,\"fwDevlink\":true}", "fwDevlink", "got true"),
                Arguments.of("unknown supplier", "{\"devices\":[{\"name\":\"a\"},{\"name\":\"b\",\"suppliers\":[\"a\",\"zz\"]}]}", "devices[1].suppliers[1]", "unknown device \"zz\""),
                Arguments.of("own supplier", "{\"devices\":[{\"name\":\"a\",\"suppliers\":[\"a\"]}]}", "devices[0].suppliers[0]", "its own supplier"),
                Arguments.of("suppliers not a list", "{\"devices\":[{\"name\":\"a\",\"suppliers\":\"b\"}]}", "devices[0].suppliers", "got \"b\""),
                Arguments.of("unknown child", "{\"devices\":[{\"name\":\"a\",\"children\":[\"zz\"]}]}", "devices[0].children[0]", "unknown device \"zz\""),
                Arguments.of("own child", "{\"devices\":[{\"name\":\"a\",\"children\":[\"a\"]}]}", "devices[0].children[0]", "its own child"),
                Arguments.of("a child of two devices", "{\"devices\":[{\"name\":\"a\",\"children\":[\"c\"]},{\"name\":\"b\",\"children\":[\"c\"]},{\"name\":\"c\"}]}", "devices[1].children[0]", "already registered by the probe of device a"),
                Arguments.of("cycle of children", "{\"devices\":[{\"name\":\"a\",\"children\":[\"b\"]},{\"name\":\"b\",\"children\":[\"a\"]}]}", "devices[", "cycle of children"),
                Arguments.of("step names a child", "{\"devices\":[{\"name\":\"a\",\"children\":[\"c\"]},{\"name\":\"c\"}],\"steps\":[{\"op\":\"register-devices\",\"names\":[\"c\"]}]}", "steps[0].names[0]", "(children)"),
                Arguments.of("late-initcall twice", D + "\"steps\":[{\"op\":\"late-initcall\"},{\"op\":\"late-initcall\"}]}", "steps[1].op", "late-initcall can run once (the first is at steps[0])"),
                Arguments.of("late-initcall in concurrent", D + "\"steps\":[{\"op\":\"concurrent\",\"threads\":2,\"steps\":[{\"op\":\"late-initcall\"}]}]}", "steps[0].steps[0].op", "cannot be nested"),
                Arguments.of("negative deferred probe timeout", D + "\"steps\":[{\"op\":\"late-initcall\",\"deferredProbeTimeoutMillis\":-1}]}", "steps[0].deferredProbeTimeoutMillis", "got -1"),
                Arguments.of("deferred probe timeout a string", D + "\"steps\":[{\"op\":\"late-initcall\",\"deferredProbeTimeoutMillis\":\"10s\"}]}", "steps[0].deferredProbeTimeoutMillis", "got \"10s\""),
                Arguments.of("unknown device bound at timeout", D + "\"expect\":{\"boundOnlyAtTimeout\":[\"zz\"]}}", "expect.boundOnlyAtTimeout[0]", "unknown device \"zz\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputNamesFileAndField(String kind, String json, String field, String fragment) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
        String m = e.getMessage();
        String prefix = file + ": " + (field == null ? "" : field);
        assertTrue(m.startsWith(prefix), () -> kind + ": expected to start with '" + prefix + "': " + m);
        assertTrue(m.contains(fragment), () -> kind + ": expected '" + fragment + "' in: " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> kind + ": not one line: " + m);
        assertEquals(file.toString(), e.source());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.json");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void aDirectoryWithoutDeviceTreesIsRejectedNamingIt() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(dir));
        assertTrue(e.getMessage().startsWith(dir + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(".dtb"), e.getMessage());
        assertTrue(ScenarioLoader.isDeviceTree(dir), "a directory is a rack of device trees");
    }

    @Test
    void theShippedExampleBoardLoadsAsADeviceTreeAndADirectoryAsARack() throws IOException {
        Path board = Path.of("..", "scenarios", "devicetree", "example-board.dtb");
        Scenario s = ScenarioLoader.load(board);
        assertEquals("example-board.dtb", s.name());
        assertTrue(s.devices().stream().anyMatch(d -> d.name().equals("/soc/mmc@7000")), s.devices().toString());
        Path rack = dir.resolve("rack");
        Files.createDirectories(rack);
        Files.copy(board, rack.resolve("a.dtb"));
        Files.copy(board, rack.resolve("b.dtb"));
        Scenario r = ScenarioLoader.load(rack);
        assertEquals(2 * s.devices().size(), r.devices().size());
        assertTrue(r.devices().stream().anyMatch(d -> d.name().equals("b.dtb:/soc/mmc@7000")));
    }

    @Test
    void aCorruptDeviceTreeByExtensionIsRejectedInOneLineNamingTheFile() throws IOException {
        Path file = dir.resolve("board.dtb");
        Files.writeString(file, "{}");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": header: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(ScenarioLoader.isDeviceTree(file));
    }

    @Test
    void aTruncatedDeviceTreeByMagicIsRejectedInOneLine() throws IOException {
        Path file = dir.resolve("board.bin");
        Files.write(file, new byte[] {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 0, 0, 0x38});
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": header: "), e.getMessage());
        assertTrue(ScenarioLoader.isDeviceTree(file));
        assertFalse(ScenarioLoader.isDeviceTree(dir.resolve("missing.json")));
    }

    @Test
    void defaults() throws IOException {
        Path file = dir.resolve("minimal.json");
        Files.writeString(file, "{\"drivers\":[{\"name\":\"drv\"}],\"devices\":[{\"name\":\"dev\"}]}");
        Scenario s = ScenarioLoader.load(file);
        assertEquals("minimal.json", s.name());
        assertEquals(List.of(new DriverSpec("drv", "platform", List.of("drv"), ProbeType.SYNC, 0, 0, 0, List.of(), false)),
                s.drivers());
        assertEquals(List.of(new DeviceSpec("dev", "platform", List.of("dev"), List.of(), List.of("dev"))), s.devices());
        assertEquals(Scenario.DEFAULT_STEPS, s.steps());
        assertNull(s.expect());
        assertEquals(DriverSpec.of("drv"), s.drivers().get(0));
        assertEquals(DeviceSpec.of("dev"), s.devices().get(0));
    }

    @Test
    void emptyScenarioAndPartialExpect() {
        Scenario s = ScenarioLoader.parse("{\"format\":1,\"name\":\"n\",\"devices\":[{\"name\":\"x\"}],"
                + "\"expect\":{\"unbound\":[\"x\"]}}", "dir/e.json");
        assertEquals("n", s.name());
        assertEquals(List.of(), s.drivers());
        assertEquals(new Expect(null, null, null, Set.of("x")), s.expect());
    }

    @Test
    void everyFieldAndStep() {
        Scenario s = ScenarioLoader.parse("""
                {"format": 1, "name": "all",
                 "drivers": [
                   {"name": "top", "bus": "i2c", "matches": ["m1", "m2"], "probe": "async", "probeMicros": 7,
                    "spinMicros": 8, "publishDelayMicros": 9, "registersDrivers": ["mid"], "fails": true},
                   {"name": "mid", "registersDrivers": ["leaf"]},
                   {"name": "leaf", "bus": "scmi"}],
                 "devices": [{"name": "d", "bus": "i2c", "compatible": ["m2"], "requires": ["r"], "provides": ["p", "q"]}],
                 "steps": [{"op": "register-devices", "names": ["d"]}, {"op": "register-drivers"},
                   {"op": "concurrent", "threads": 3, "steps": [{"op": "register-drivers", "names": ["top"]},
                     {"op": "trigger"}, {"op": "unregister-device", "name": "d"}]},
                   {"op": "unregister-driver", "name": "top"}, {"op": "trigger"}, {"op": "quiesce"}],
                 "expect": {"bound": [], "deferred": [], "failed": ["d"]}}
                """, "all.json");
        DriverSpec leaf = DriverSpec.of("leaf").withBus("scmi");
        DriverSpec mid = DriverSpec.of("mid").registering(leaf);
        DriverSpec top = new DriverSpec("top", "i2c", List.of("m1", "m2"), ProbeType.ASYNC, 7, 8, 9, List.of(mid), true);
        assertEquals(List.of(top, mid, leaf), s.drivers());
        assertEquals(List.of(new DeviceSpec("d", "i2c", List.of("m2"), List.of("r"), List.of("p", "q"))), s.devices());
        assertEquals(List.of(new Step.RegisterDevices(List.of("d")), new Step.RegisterDrivers(null),
                new Step.Concurrent(3, List.of(new Step.RegisterDrivers(List.of("top")), new Step.Trigger(),
                        new Step.UnregisterDevice("d"))),
                new Step.UnregisterDriver("top"), new Step.Trigger(), new Step.Quiesce()), s.steps());
        assertEquals(new Expect(Set.of(), Set.of(), Set.of("d"), null), s.expect());
        assertEquals(Set.of("mid", "leaf"), s.driversRegisteredByProbes());
    }

    @Test
    void fwDevlinkSuppliersChildrenLateInitcallAndTheTimeoutExpectation() {
        Scenario s = ScenarioLoader.parse("""
                {"format": 1, "name": "boot", "fwDevlink": "permissive",
                 "drivers": [{"name": "pmic"}, {"name": "mmc"}],
                 "devices": [{"name": "pmic", "children": ["regulator"]},
                   {"name": "regulator", "children": ["ldo1"]}, {"name": "ldo1"},
                   {"name": "mmc", "suppliers": ["pmic"]}],
                 "steps": [{"op": "register-devices", "names": ["pmic", "mmc"]}, {"op": "register-drivers"},
                   {"op": "late-initcall", "deferredProbeTimeoutMillis": 250}, {"op": "wait-for-device-probe"},
                   {"op": "quiesce"}],
                 "expect": {"bound": ["pmic", "mmc"], "unbound": ["regulator", "ldo1"], "boundOnlyAtTimeout": ["mmc"]}}
                """, "boot.json");
        assertEquals(org.deferprobe.engine.FwDevlink.PERMISSIVE, s.fwDevlink());
        DeviceSpec ldo1 = DeviceSpec.of("ldo1");
        DeviceSpec regulator = DeviceSpec.of("regulator").withChildren(ldo1);
        DeviceSpec pmic = DeviceSpec.of("pmic").withChildren(regulator);
        assertEquals(List.of(pmic, regulator, ldo1, DeviceSpec.of("mmc").withSuppliers("pmic")), s.devices());
        assertEquals(new Step.LateInitcall(250), s.steps().get(2));
        assertEquals(new Step.WaitForDeviceProbe(), s.steps().get(3));
        assertTrue(s.hasLateInitcall());
        assertEquals(Set.of("regulator", "ldo1"), s.devicesRegisteredByProbes());
        assertEquals(new Expect(Set.of("pmic", "mmc"), null, null, Set.of("regulator", "ldo1"), Set.of("mmc")),
                s.expect());
        assertEquals(s, ScenarioLoader.parse(ScenarioJson.write(s), "again.json"));
        Scenario plain = ScenarioLoader.parse("{\"devices\":[{\"name\":\"x\"}]}", "plain.json");
        assertNull(plain.fwDevlink());
        assertFalse(plain.hasLateInitcall());
    }
}
