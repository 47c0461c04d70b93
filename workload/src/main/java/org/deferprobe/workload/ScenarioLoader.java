package org.deferprobe.workload;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.ProbeType;
import org.deferprobe.workload.devicetree.DeviceTreeException;
import org.deferprobe.workload.devicetree.DeviceTreeScenario;

/**
 * Loads a scenario file (docs/scenario-format.md): JSON format 1, or a flattened device tree.
 *
 * <p>Validation happens here, at the edge, and is strict: every problem is a {@link ScenarioException}
 * whose one-line message names the file, the field as a JSON path ({@code drivers[2].probeMicros}) and the
 * offending value. Unknown fields are errors at every level, so a typo never silently becomes a default.
 *
 * <p>Thread-safe: stateless.
 */
public final class ScenarioLoader {
    /** The only JSON format version this loader reads. */
    public static final int FORMAT = 1;

    /** The first four bytes of a flattened device tree blob, big-endian. */
    static final int FDT_MAGIC = 0xd00dfeed;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static final Set<String> TOP_FIELDS = ordered("format", "name", "fwDevlink", "drivers", "devices", "steps",
            "expect");
    static final Set<String> DRIVER_FIELDS = ordered("name", "bus", "matches", "probe", "probeMicros", "spinMicros",
            "publishDelayMicros", "registersDrivers", "registersDevices", "fails");
    static final Set<String> DEVICE_FIELDS = ordered("name", "bus", "compatible", "requires", "provides", "suppliers",
            "children");
    static final Set<String> EXPECT_FIELDS = ordered("bound", "deferred", "failed", "unbound", "boundOnlyAtTimeout");
    static final Map<String, Set<String>> STEP_FIELDS = new LinkedHashMap<>();

    static {
        STEP_FIELDS.put("register-devices", ordered("op", "names"));
        STEP_FIELDS.put("register-drivers", ordered("op", "names"));
        STEP_FIELDS.put("unregister-device", ordered("op", "name"));
        STEP_FIELDS.put("unregister-driver", ordered("op", "name"));
        STEP_FIELDS.put("trigger", ordered("op"));
        STEP_FIELDS.put("late-initcall", ordered("op", "deferredProbeTimeoutMillis"));
        STEP_FIELDS.put("concurrent", ordered("op", "threads", "steps"));
        STEP_FIELDS.put("quiesce", ordered("op"));
        STEP_FIELDS.put("wait-for-device-probe", ordered("op"));
    }

    private ScenarioLoader() {
    }

    /**
     * Loads a scenario file: a device tree if its name ends in {@code .dtb} or it starts with the FDT magic,
     * JSON otherwise; a directory is a rack, every {@code .dtb} in it a board of one scenario
     * (docs/scenario-format.md, "Device trees"). The scenario's name defaults to the file name.
     *
     * @throws ScenarioException naming the file, and the field at fault
     */
    public static Scenario load(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            return loadRack(file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, "no such file");
        } catch (AccessDeniedException e) {
            throw new ScenarioException(source, "permission denied");
        } catch (IOException e) {
            throw new ScenarioException(source, "cannot read: " + e.getMessage());
        }
        if (hasDeviceTreeName(file) || hasDeviceTreeMagic(bytes)) {
            return loadDeviceTree(file, bytes);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), source);
    }

    /**
     * Whether {@link #load} would read this file as a device tree (by its name, or by its magic if it is
     * readable); the CLI uses it for flags that apply to device trees only.
     */
    public static boolean isDeviceTree(Path file) {
        if (hasDeviceTreeName(file) || Files.isDirectory(file)) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return hasDeviceTreeMagic(in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    /** A device tree: the devicetree package's loader, its one-line errors carried over. */
    static Scenario loadDeviceTree(Path file, byte[] blob) {
        try {
            Path name = file.getFileName();
            return DeviceTreeScenario.fromBlob(name == null ? file.toString() : name.toString(), blob, 0);
        } catch (DeviceTreeException e) {
            throw deviceTreeError(file, e);
        }
    }

    /** A rack: every {@code .dtb} directly in {@code dir} as separate boards of one scenario. */
    static Scenario loadRack(Path dir) {
        try {
            return DeviceTreeScenario.loadRack(dir, 0);
        } catch (DeviceTreeException e) {
            throw deviceTreeError(dir, e);
        }
    }

    /** The device-tree message starts with the file's name; the scenario error starts with its path. */
    private static ScenarioException deviceTreeError(Path file, DeviceTreeException e) {
        String message = e.getMessage();
        Path name = file.getFileName();
        String prefix = name == null ? "" : name + ": ";
        if (!prefix.isEmpty() && message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        }
        return new ScenarioException(file.toString(), message);
    }

    private static boolean hasDeviceTreeName(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".dtb");
    }

    private static boolean hasDeviceTreeMagic(byte[] bytes) {
        return bytes.length >= 4 && ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8
                | (bytes[3] & 0xff)) == FDT_MAGIC;
    }

    /**
     * Parses JSON format 1.
     *
     * @param json       the document
     * @param sourceName the file it came from, used in error messages; its last path element is the
     *                   scenario's name when the document gives none
     * @throws ScenarioException naming {@code sourceName}, the field at fault and the offending value
     */
    public static Scenario parse(String json, String sourceName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ScenarioException(sourceName, where, "malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ScenarioException(sourceName, "cannot read JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioException(sourceName, "empty file, expected a JSON object");
        }
        return new Reader(sourceName).scenario(root);
    }

    /** The name a scenario gets when its document gives none: the last element of the source name. */
    static String defaultName(String sourceName) {
        int slash = Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\'));
        return sourceName.substring(slash + 1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static Set<String> ordered(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** One parse: the source name for messages, and the names seen so far for cross-references. */
    private static final class Reader {
        final String source;
        /** Driver name to its JSON path, in file order. */
        final Map<String, String> driverPaths = new LinkedHashMap<>();
        final Map<String, String> devicePaths = new LinkedHashMap<>();
        /** Driver registered by a probe to the first driver whose probe registers it. */
        final Map<String, String> registeredBy = new HashMap<>();
        /** Device registered by a probe (M16) to the driver whose probe registers it. */
        final Map<String, String> deviceRegisteredBy = new HashMap<>();

        Reader(String source) {
            this.source = source;
        }

        ScenarioException error(String path, String problem) {
            return new ScenarioException(source, path, problem);
        }

        Scenario scenario(JsonNode root) {
            if (!root.isObject()) {
                throw error("top level", "must be a JSON object, got " + show(root));
            }
            JsonNode format = root.get("format");
            if (format != null && !(format.isIntegralNumber() && format.canConvertToInt() && format.intValue() == FORMAT)) {
                throw error("format", "unsupported format, must be " + FORMAT + ", got " + show(format));
            }
            checkFields(root, "", TOP_FIELDS);
            String name = root.has("name") ? string(root.get("name"), "name") : defaultName(source);
            FwDevlink fwDevlink = null;
            if (root.has("fwDevlink")) {
                JsonNode m = root.get("fwDevlink");
                try {
                    fwDevlink = FwDevlink.byName(m.isTextual() ? m.textValue() : "");
                } catch (IllegalArgumentException e) {
                    throw error("fwDevlink", "must be \"on\", \"permissive\" or \"off\", got " + show(m));
                }
            }
            List<RawDriver> rawDrivers = rawDrivers(root.get("drivers"));
            List<DeviceSpec> devices = devices(root.get("devices"));
            List<DriverSpec> drivers = drivers(rawDrivers, devices);
            List<Step> steps = root.has("steps") ? steps(root.get("steps"), "steps", false) : Scenario.DEFAULT_STEPS;
            Expect expect = root.has("expect") ? expect(root.get("expect")) : null;
            return new Scenario(name, drivers, devices, steps, expect, fwDevlink);
        }

        // ------------------------------------------------------------ drivers

        /** A driver as written, before its registersDrivers and registersDevices names are resolved. */
        private record RawDriver(String path, String name, String bus, List<String> matches, ProbeType probe,
                                 long probeMicros, long spinMicros, long publishDelayMicros,
                                 List<String> registersDrivers, boolean fails, List<String> registersDevices) {
        }

        List<RawDriver> rawDrivers(JsonNode node) {
            List<RawDriver> raws = new ArrayList<>();
            if (node != null) {
                int i = 0;
                for (JsonNode d : array(node, "drivers")) {
                    raws.add(driver(d, "drivers[" + i++ + "]"));
                }
            }
            return raws;
        }

        List<DriverSpec> drivers(List<RawDriver> raws, List<DeviceSpec> devices) {
            Map<String, DeviceSpec> deviceByName = new HashMap<>();
            devices.forEach(d -> deviceByName.put(d.name(), d));
            for (RawDriver r : raws) { // M16: each a declared device, registered by one probe only
                for (int j = 0; j < r.registersDevices.size(); j++) {
                    String child = r.registersDevices.get(j);
                    String at = r.path + ".registersDevices[" + j + "]";
                    if (!deviceByName.containsKey(child)) {
                        throw error(at, "unknown device " + quote(child));
                    }
                    String by = deviceRegisteredBy.putIfAbsent(child, r.name);
                    if (by != null) {
                        throw error(at, "device " + quote(child) + " is already registered by the probe of "
                                + quote(by) + " (a device is registered by one probe at most)");
                    }
                }
            }
            Map<String, RawDriver> byName = new LinkedHashMap<>();
            raws.forEach(r -> byName.put(r.name, r));
            for (RawDriver r : raws) { // unknown names first, in file order; then cycles
                for (int j = 0; j < r.registersDrivers.size(); j++) {
                    String child = r.registersDrivers.get(j);
                    if (!byName.containsKey(child)) {
                        throw error(r.path + ".registersDrivers[" + j + "]", "unknown driver " + quote(child));
                    }
                    registeredBy.putIfAbsent(child, r.name);
                }
            }
            Map<String, DriverSpec> resolved = new HashMap<>();
            List<DriverSpec> out = new ArrayList<>();
            for (RawDriver r : raws) {
                out.add(resolve(r, byName, resolved, new ArrayList<>(), deviceByName));
            }
            return out;
        }

        /** Depth-first: a driver's spec holds the specs of the drivers its probe registers, so no cycle. */
        private DriverSpec resolve(RawDriver r, Map<String, RawDriver> byName, Map<String, DriverSpec> resolved,
                                   List<String> stack, Map<String, DeviceSpec> deviceByName) {
            DriverSpec done = resolved.get(r.name);
            if (done != null) {
                return done;
            }
            stack.add(r.name);
            List<DriverSpec> children = new ArrayList<>();
            for (int j = 0; j < r.registersDrivers.size(); j++) {
                String child = r.registersDrivers.get(j);
                int at = stack.indexOf(child);
                if (at >= 0) {
                    List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
                    cycle.add(child);
                    throw error(r.path + ".registersDrivers[" + j + "]",
                            "cycle of registersDrivers: " + String.join(" -> ", cycle));
                }
                children.add(resolve(byName.get(child), byName, resolved, stack, deviceByName));
            }
            stack.remove(stack.size() - 1);
            DriverSpec spec = new DriverSpec(r.name, r.bus, r.matches, r.probe, r.probeMicros, r.spinMicros,
                    r.publishDelayMicros, children, r.fails, r.registersDevices.stream().map(deviceByName::get).toList());
            resolved.put(r.name, spec);
            return spec;
        }

        RawDriver driver(JsonNode d, String path) {
            object(d, path);
            checkFields(d, path, DRIVER_FIELDS);
            String name = requiredName(d, path);
            String first = driverPaths.putIfAbsent(name, path);
            if (first != null) {
                throw error(path + ".name", "duplicate driver name " + quote(name) + " (first at " + first + ")");
            }
            String bus = d.has("bus") ? string(d.get("bus"), path + ".bus") : DeviceSpec.DEFAULT_BUS;
            List<String> matches = d.has("matches") ? strings(d.get("matches"), path + ".matches") : List.of(name);
            ProbeType probe = ProbeType.SYNC;
            if (d.has("probe")) {
                JsonNode p = d.get("probe");
                if (p.isTextual() && p.textValue().equals("sync")) {
                    probe = ProbeType.SYNC;
                } else if (p.isTextual() && p.textValue().equals("async")) {
                    probe = ProbeType.ASYNC;
                } else {
                    throw error(path + ".probe", "must be \"sync\" or \"async\", got " + show(p));
                }
            }
            long probeMicros = micros(d, "probeMicros", path);
            long spinMicros = micros(d, "spinMicros", path);
            long publishDelayMicros = micros(d, "publishDelayMicros", path);
            List<String> registers = d.has("registersDrivers")
                    ? strings(d.get("registersDrivers"), path + ".registersDrivers") : List.of();
            List<String> registersDevices = d.has("registersDevices")
                    ? strings(d.get("registersDevices"), path + ".registersDevices") : List.of();
            boolean fails = false;
            if (d.has("fails")) {
                JsonNode f = d.get("fails");
                if (!f.isBoolean()) {
                    throw error(path + ".fails", "must be true or false, got " + show(f));
                }
                fails = f.booleanValue();
            }
            return new RawDriver(path, name, bus, matches, probe, probeMicros, spinMicros, publishDelayMicros,
                    registers, fails, registersDevices);
        }

        long micros(JsonNode d, String field, String path) {
            JsonNode n = d.get(field);
            if (n == null) {
                return 0;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
                throw error(path + "." + field, "must be a non-negative integer, got " + show(n));
            }
            return n.longValue();
        }

        // ------------------------------------------------------------ devices

        /** Devices as written: their suppliers and children are names, resolved once every device is read. */
        List<DeviceSpec> devices(JsonNode node) {
            List<DeviceSpec> plain = plainDevices(node);
            Map<String, DeviceSpec> byName = new LinkedHashMap<>();
            plain.forEach(d -> byName.put(d.name(), d));
            for (int i = 0; i < plain.size(); i++) {
                DeviceSpec d = plain.get(i);
                String path = "devices[" + i + "]";
                for (int j = 0; j < d.suppliers().size(); j++) {
                    String s = d.suppliers().get(j);
                    if (!byName.containsKey(s)) {
                        throw error(path + ".suppliers[" + j + "]", "unknown device " + quote(s));
                    }
                    if (s.equals(d.name())) {
                        throw error(path + ".suppliers[" + j + "]", "a device cannot be its own supplier");
                    }
                }
                for (int j = 0; j < childNames.get(i).size(); j++) {
                    String c = childNames.get(i).get(j);
                    String at = path + ".children[" + j + "]";
                    if (!byName.containsKey(c)) {
                        throw error(at, "unknown device " + quote(c));
                    }
                    if (c.equals(d.name())) {
                        throw error(at, "a device cannot be its own child");
                    }
                    String by = deviceRegisteredBy.putIfAbsent(c, "device " + d.name());
                    if (by != null) {
                        throw error(at, "device " + quote(c) + " is already registered by the probe of " + by
                                + " (a device is registered by one probe at most)");
                    }
                }
            }
            // children hold their specs (with their own children): resolve depth-first, refusing cycles
            Map<String, DeviceSpec> resolved = new HashMap<>();
            List<DeviceSpec> out = new ArrayList<>();
            for (int i = 0; i < plain.size(); i++) {
                out.add(resolveChildren(i, plain, byName, resolved, new ArrayList<>()));
            }
            return out;
        }

        /** Per device in file order, the names of its children as written. */
        private final List<List<String>> childNames = new ArrayList<>();

        private DeviceSpec resolveChildren(int i, List<DeviceSpec> plain, Map<String, DeviceSpec> byName,
                                           Map<String, DeviceSpec> resolved, List<String> stack) {
            DeviceSpec d = plain.get(i);
            DeviceSpec done = resolved.get(d.name());
            if (done != null) {
                return done;
            }
            stack.add(d.name());
            List<DeviceSpec> children = new ArrayList<>();
            for (int j = 0; j < childNames.get(i).size(); j++) {
                String c = childNames.get(i).get(j);
                int at = stack.indexOf(c);
                if (at >= 0) {
                    List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
                    cycle.add(c);
                    throw error("devices[" + i + "].children[" + j + "]", "cycle of children: " + String.join(" -> ", cycle));
                }
                children.add(resolveChildren(plain.indexOf(byName.get(c)), plain, byName, resolved, stack));
            }
            stack.remove(stack.size() - 1);
            DeviceSpec spec = new DeviceSpec(d.name(), d.bus(), d.compatible(), d.requires(), d.provides(), d.suppliers(),
                    children);
            resolved.put(d.name(), spec);
            return spec;
        }

        List<DeviceSpec> plainDevices(JsonNode node) {
            List<DeviceSpec> out = new ArrayList<>();
            if (node == null) {
                return out;
            }
            int i = 0;
            for (JsonNode d : array(node, "devices")) {
                String path = "devices[" + i++ + "]";
                object(d, path);
                checkFields(d, path, DEVICE_FIELDS);
                String name = requiredName(d, path);
                String first = devicePaths.putIfAbsent(name, path);
                if (first != null) {
                    throw error(path + ".name", "duplicate device name " + quote(name) + " (first at " + first + ")");
                }
                String bus = d.has("bus") ? string(d.get("bus"), path + ".bus") : DeviceSpec.DEFAULT_BUS;
                List<String> compatible = d.has("compatible") ? strings(d.get("compatible"), path + ".compatible")
                        : List.of(name);
                List<String> requires = d.has("requires") ? strings(d.get("requires"), path + ".requires") : List.of();
                List<String> provides = d.has("provides") ? strings(d.get("provides"), path + ".provides")
                        : List.of(name);
                List<String> suppliers = d.has("suppliers") ? strings(d.get("suppliers"), path + ".suppliers")
                        : List.of();
                childNames.add(d.has("children") ? strings(d.get("children"), path + ".children") : List.of());
                out.add(new DeviceSpec(name, bus, compatible, requires, provides, suppliers, List.of()));
            }
            return out;
        }

        // ------------------------------------------------------------ steps

        List<Step> steps(JsonNode node, String path, boolean inConcurrent) {
            List<Step> out = new ArrayList<>();
            int i = 0;
            for (JsonNode s : array(node, path)) {
                out.add(step(s, path + "[" + i++ + "]", inConcurrent));
            }
            return out;
        }

        Step step(JsonNode s, String path, boolean inConcurrent) {
            object(s, path);
            JsonNode opNode = s.get("op");
            if (opNode == null) {
                throw error(path + ".op", "required (one of " + String.join(", ", STEP_FIELDS.keySet()) + ")");
            }
            if (!opNode.isTextual() || !STEP_FIELDS.containsKey(opNode.textValue())) {
                throw error(path + ".op", "unknown op " + show(opNode) + " (known: "
                        + String.join(", ", STEP_FIELDS.keySet()) + ")");
            }
            String op = opNode.textValue();
            Set<String> allowed = STEP_FIELDS.get(op);
            if (allowed.contains("names") && s.has("name")) {
                throw error(path + ".name", op + " takes \"names\" (a list), not \"name\"");
            }
            if (allowed.contains("name") && s.has("names")) {
                throw error(path + ".names", op + " takes \"name\" (one name), not \"names\"");
            }
            checkFields(s, path, allowed);
            if (inConcurrent && (op.equals("concurrent") || op.equals("quiesce") || op.equals("late-initcall")
                    || op.equals("wait-for-device-probe"))) {
                throw error(path + ".op", op + " cannot be nested in concurrent (it takes registrations, "
                        + "unregistrations and triggers)");
            }
            return switch (op) {
                case "register-devices" -> new Step.RegisterDevices(names(s, path, false));
                case "register-drivers" -> new Step.RegisterDrivers(names(s, path, true));
                case "unregister-device" -> new Step.UnregisterDevice(known(s.get("name"), path + ".name", false));
                case "unregister-driver" -> new Step.UnregisterDriver(known(s.get("name"), path + ".name", true));
                case "trigger" -> new Step.Trigger();
                case "late-initcall" -> lateInitcall(s, path);
                case "quiesce" -> new Step.Quiesce();
                case "wait-for-device-probe" -> new Step.WaitForDeviceProbe();
                case "concurrent" -> concurrent(s, path);
                default -> throw new IllegalStateException("bad op " + op);
            };
        }

        Step lateInitcall(JsonNode s, String path) {
            if (lateInitcallAt != null) {
                throw error(path + ".op", "late-initcall can run once (the first is at " + lateInitcallAt + ")");
            }
            lateInitcallAt = path;
            JsonNode t = s.get("deferredProbeTimeoutMillis");
            if (t == null) {
                return new Step.LateInitcall(0);
            }
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 0) {
                throw error(path + ".deferredProbeTimeoutMillis", "must be a non-negative integer, got " + show(t));
            }
            return new Step.LateInitcall(t.longValue());
        }

        /** Where the late-initcall step is, once read. */
        private String lateInitcallAt;

        Step concurrent(JsonNode s, String path) {
            JsonNode t = s.get("threads");
            if (t == null) {
                throw error(path + ".threads", "required for concurrent");
            }
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 1) {
                throw error(path + ".threads", "must be an integer >= 1, got " + show(t));
            }
            JsonNode nested = s.get("steps");
            if (nested == null) {
                throw error(path + ".steps", "required for concurrent");
            }
            List<Step> steps = steps(nested, path + ".steps", true);
            if (steps.isEmpty()) {
                throw error(path + ".steps", "must not be empty");
            }
            return new Step.Concurrent(t.intValue(), steps);
        }

        /** A step's {@code names}: null when absent (every one not yet registered). */
        List<String> names(JsonNode s, String path, boolean drivers) {
            if (!s.has("names")) {
                return null;
            }
            List<String> names = strings(s.get("names"), path + ".names");
            for (int i = 0; i < names.size(); i++) {
                String at = path + ".names[" + i + "]";
                known(s.get("names").get(i), at, drivers);
                String by = (drivers ? registeredBy : deviceRegisteredBy).get(names.get(i));
                if (by != null) {
                    boolean ofDevice = by.startsWith("device ");
                    throw error(at, (drivers ? "driver " : "device ") + quote(names.get(i))
                            + " is registered by the probe of " + (ofDevice ? by : quote(by))
                            + (drivers ? " (registersDrivers)" : ofDevice ? " (children)" : " (registersDevices)")
                            + ", not by a step");
                }
            }
            return names;
        }

        /** A required name of a known driver or device. */
        String known(JsonNode n, String path, boolean driver) {
            if (n == null) {
                throw error(path, "required");
            }
            String name = string(n, path);
            if (!(driver ? driverPaths : devicePaths).containsKey(name)) {
                throw error(path, "unknown " + (driver ? "driver " : "device ") + quote(name));
            }
            return name;
        }

        // ------------------------------------------------------------ expect

        Expect expect(JsonNode e) {
            object(e, "expect");
            checkFields(e, "expect", EXPECT_FIELDS);
            Map<String, String> listed = new HashMap<>();
            List<Set<String>> sets = new ArrayList<>();
            for (String field : EXPECT_FIELDS) {
                if (!e.has(field)) {
                    sets.add(null);
                    continue;
                }
                String path = "expect." + field;
                List<String> names = strings(e.get(field), path);
                for (int i = 0; i < names.size(); i++) {
                    String at = path + "[" + i + "]";
                    known(e.get(field).get(i), at, false);
                    if (field.equals("boundOnlyAtTimeout")) {
                        continue; // a when, not a final state: it may name a device listed in bound
                    }
                    String other = listed.putIfAbsent(names.get(i), field);
                    if (other != null && !other.equals(field)) {
                        throw error(at, "device " + quote(names.get(i)) + " is also expected " + other);
                    }
                }
                sets.add(new LinkedHashSet<>(names));
            }
            return new Expect(sets.get(0), sets.get(1), sets.get(2), sets.get(3), sets.get(4));
        }

        // ------------------------------------------------------------ basic types

        void object(JsonNode n, String path) {
            if (!n.isObject()) {
                throw error(path, "must be a JSON object, got " + show(n));
            }
        }

        Iterable<JsonNode> array(JsonNode n, String path) {
            if (!n.isArray()) {
                throw error(path, "must be a JSON array, got " + show(n));
            }
            return n;
        }

        void checkFields(JsonNode o, String path, Set<String> known) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    throw error(path.isEmpty() ? f : path + "." + f,
                            "unknown field (known: " + String.join(", ", known) + ")");
                }
            }
        }

        String requiredName(JsonNode o, String path) {
            JsonNode n = o.get("name");
            if (n == null) {
                throw error(path + ".name", "required");
            }
            return string(n, path + ".name");
        }

        String string(JsonNode n, String path) {
            if (!n.isTextual() || n.textValue().isEmpty()) {
                throw error(path, "must be a non-empty string, got " + show(n));
            }
            return n.textValue();
        }

        List<String> strings(JsonNode n, String path) {
            List<String> out = new ArrayList<>();
            int i = 0;
            for (JsonNode e : array(n, path)) {
                out.add(string(e, path + "[" + i++ + "]"));
            }
            return out;
        }
    }

    /** A value as JSON, cut short: what the messages quote. */
    static String show(JsonNode n) {
        String s = n.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    static String quote(String s) {
        return show(MAPPER.getNodeFactory().textNode(s));
    }
}
