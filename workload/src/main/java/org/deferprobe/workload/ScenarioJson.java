package org.deferprobe.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.ProbeType;

/**
 * Writes a scenario as JSON format 1 (docs/scenario-format.md), so that
 * {@code ScenarioLoader.parse(ScenarioJson.write(s), any).equals(s)}: the {@code import} command's output.
 *
 * <p>Fields equal to their defaults are left out; each driver, device and step is written on one line, like
 * the examples in the docs. Expect lists are written sorted.
 */
public final class ScenarioJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScenarioJson() {
    }

    /**
     * @throws IllegalArgumentException if a driver's {@code registersDrivers} or {@code registersDevices} holds a
     *                                  spec that differs from the scenario's driver or device of that name, or
     *                                  names one the scenario lacks (format 1 refers to them by name)
     */
    public static String write(Scenario s) {
        checkRegisteredDrivers(s);
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"format\": ").append(ScenarioLoader.FORMAT).append(",\n");
        out.append("  \"name\": ").append(json(NODES.textNode(s.name())));
        if (s.fwDevlink() != null) {
            out.append(",\n  \"fwDevlink\": ").append(json(NODES.textNode(s.fwDevlink().modeName())));
        }
        if (!s.drivers().isEmpty()) {
            out.append(",\n  \"drivers\": ").append(lines(s.drivers().stream().map(ScenarioJson::driver).toList()));
        }
        if (!s.devices().isEmpty()) {
            out.append(",\n  \"devices\": ").append(lines(s.devices().stream().map(ScenarioJson::device).toList()));
        }
        if (!s.steps().equals(Scenario.DEFAULT_STEPS)) {
            out.append(",\n  \"steps\": ").append(lines(s.steps().stream().map(ScenarioJson::step).toList()));
        }
        if (s.expect() != null) {
            out.append(",\n  \"expect\": ").append(json(expect(s.expect())));
        }
        return out.append("\n}\n").toString();
    }

    private static void checkRegisteredDrivers(Scenario s) {
        Map<String, DriverSpec> byName = new HashMap<>();
        s.drivers().forEach(d -> byName.put(d.name(), d));
        Map<String, DeviceSpec> devicesByName = new HashMap<>();
        s.devices().forEach(d -> devicesByName.put(d.name(), d));
        for (DeviceSpec d : s.devices()) {
            for (DeviceSpec child : d.children()) {
                if (!child.equals(devicesByName.get(child.name()))) {
                    throw new IllegalArgumentException("device " + d.name() + " has child " + child.name()
                            + ", which is not the scenario's device of that name");
                }
            }
        }
        for (DriverSpec d : s.drivers()) {
            for (DriverSpec child : d.registersDrivers()) {
                if (!child.equals(byName.get(child.name()))) {
                    throw new IllegalArgumentException("driver " + d.name() + " registers driver " + child.name()
                            + ", which is not the scenario's driver of that name");
                }
            }
            for (DeviceSpec child : d.registersDevices()) {
                if (!child.equals(devicesByName.get(child.name()))) {
                    throw new IllegalArgumentException("driver " + d.name() + " registers device " + child.name()
                            + ", which is not the scenario's device of that name");
                }
            }
        }
    }

    static ObjectNode driver(DriverSpec d) {
        ObjectNode o = NODES.objectNode().put("name", d.name());
        if (!d.bus().equals(DeviceSpec.DEFAULT_BUS)) {
            o.put("bus", d.bus());
        }
        if (!d.matches().equals(List.of(d.name()))) {
            o.set("matches", strings(d.matches()));
        }
        if (d.probe() != ProbeType.SYNC) {
            o.put("probe", "async");
        }
        putIfPositive(o, "probeMicros", d.probeMicros());
        putIfPositive(o, "spinMicros", d.spinMicros());
        putIfPositive(o, "publishDelayMicros", d.publishDelayMicros());
        if (!d.registersDrivers().isEmpty()) {
            o.set("registersDrivers", strings(d.registersDrivers().stream().map(DriverSpec::name).toList()));
        }
        if (!d.registersDevices().isEmpty()) {
            o.set("registersDevices", strings(d.registersDevices().stream().map(DeviceSpec::name).toList()));
        }
        if (d.fails()) {
            o.put("fails", true);
        }
        return o;
    }

    static ObjectNode device(DeviceSpec d) {
        ObjectNode o = NODES.objectNode().put("name", d.name());
        if (!d.bus().equals(DeviceSpec.DEFAULT_BUS)) {
            o.put("bus", d.bus());
        }
        if (!d.compatible().equals(List.of(d.name()))) {
            o.set("compatible", strings(d.compatible()));
        }
        if (!d.requires().isEmpty()) {
            o.set("requires", strings(d.requires()));
        }
        if (!d.provides().equals(List.of(d.name()))) {
            o.set("provides", strings(d.provides()));
        }
        if (!d.suppliers().isEmpty()) {
            o.set("suppliers", strings(d.suppliers()));
        }
        if (!d.children().isEmpty()) {
            o.set("children", strings(d.children().stream().map(DeviceSpec::name).toList()));
        }
        return o;
    }

    static ObjectNode step(Step step) {
        ObjectNode o = NODES.objectNode().put("op", step.op());
        if (step instanceof Step.RegisterDevices s && s.names() != null) {
            o.set("names", strings(s.names()));
        } else if (step instanceof Step.RegisterDrivers s && s.names() != null) {
            o.set("names", strings(s.names()));
        } else if (step instanceof Step.UnregisterDevice s) {
            o.put("name", s.name());
        } else if (step instanceof Step.UnregisterDriver s) {
            o.put("name", s.name());
        } else if (step instanceof Step.LateInitcall s) {
            if (s.deferredProbeTimeoutMillis() > 0) {
                o.put("deferredProbeTimeoutMillis", s.deferredProbeTimeoutMillis());
            }
        } else if (step instanceof Step.Concurrent s) {
            o.put("threads", s.threads());
            ArrayNode nested = o.putArray("steps");
            s.steps().forEach(n -> nested.add(step(n)));
        }
        return o;
    }

    static ObjectNode expect(Expect e) {
        ObjectNode o = NODES.objectNode();
        putSorted(o, "bound", e.bound());
        putSorted(o, "deferred", e.deferred());
        putSorted(o, "failed", e.failed());
        putSorted(o, "unbound", e.unbound());
        putSorted(o, "boundOnlyAtTimeout", e.boundOnlyAtTimeout());
        return o;
    }

    private static void putSorted(ObjectNode o, String field, Set<String> names) {
        if (names != null) {
            o.set(field, strings(new TreeSet<>(names)));
        }
    }

    private static void putIfPositive(ObjectNode o, String field, long value) {
        if (value != 0) {
            o.put(field, value);
        }
    }

    private static ArrayNode strings(Collection<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    /** A JSON array with one element per line, indented under a top-level field. */
    private static String lines(List<? extends JsonNode> elements) {
        if (elements.isEmpty()) {
            return "[]";
        }
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < elements.size(); i++) {
            b.append("    ").append(json(elements.get(i))).append(i + 1 < elements.size() ? ",\n" : "\n");
        }
        return b.append("  ]").toString();
    }

    private static String json(JsonNode n) {
        try {
            return ScenarioLoader.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
