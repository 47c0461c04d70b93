package org.deferprobe.stress;

import static org.deferprobe.stress.MainTest.MAPPER;
import static org.deferprobe.stress.MainTest.SCENARIOS;
import static org.deferprobe.stress.MainTest.assertBadInput;
import static org.deferprobe.stress.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code explain}: one scenario built for each root cause, and the command's contract (exit status, bad input). */
class ExplainCommandTest {
    @TempDir
    Path dir;

    Path scenario(String name, String json) throws IOException {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, json);
        return f;
    }

    /** explain --json on one engine: its single line, parsed; the exit status must be {@code status}. */
    static JsonNode explain(int status, Path file, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("explain", "--scenario", file.toString(), "--json"));
        args.addAll(List.of(more));
        MainTest.Result r = run(args.toArray(String[]::new));
        assertEquals(status, r.status(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        return MAPPER.readTree(lines.get(0));
    }

    /** The causes of one explained device, as "kind device-or-resource". */
    static List<String> causes(JsonNode x, String device) {
        for (JsonNode d : x.get("explained")) {
            if (d.get("device").asText().equals(device)) {
                List<String> out = new ArrayList<>();
                d.get("causes").forEach(c -> out.add(c.get("kind").asText() + " "
                        + (c.has("resource") ? c.get("resource").asText() : c.path("device").asText())));
                return out;
            }
        }
        throw new AssertionError(device + " not explained in " + x);
    }

    static JsonNode chainOf(JsonNode x, String device) {
        for (JsonNode d : x.get("explained")) {
            if (d.get("device").asText().equals(device)) {
                return d.get("chain");
            }
        }
        throw new AssertionError(device + " not explained in " + x);
    }

    static String causeText(JsonNode x, String device) {
        for (JsonNode d : x.get("explained")) {
            if (d.get("device").asText().equals(device)) {
                return d.get("causes").get(0).get("text").asText();
            }
        }
        throw new AssertionError(device + " not explained in " + x);
    }

    @Test
    void noDriverRegisteredAtTheEndOfAChainOfResources() throws IOException {
        // card waits for codec's DAI, codec for the PLL's clock, and nothing drives the PLL
        JsonNode x = explain(1, scenario("no-driver", """
                {"format": 1, "name": "no driver",
                 "drivers": [{"name": "card"}, {"name": "codec"}],
                 "devices": [{"name": "card", "requires": ["dai"]},
                             {"name": "codec", "provides": ["dai"], "requires": ["mclk"]},
                             {"name": "pll", "compatible": ["vendor,pll"], "provides": ["mclk"]}]}"""));
        assertEquals(2, x.get("deferred").asInt());
        assertEquals(List.of("no-driver pll"), causes(x, "card"));
        assertEquals(List.of("no-driver pll"), causes(x, "codec"));
        JsonNode chain = chainOf(x, "card");
        assertEquals("waiting for dai", chain.get("reason").asText());
        assertEquals("codec", chain.get("next").get(0).get("device").asText());
        assertEquals("deferred", chain.get("next").get(0).get("state").asText());
        assertEquals("pll", chain.get("next").get(0).get("next").get(0).get("device").asText());
        assertTrue(causeText(x, "card").contains("vendor,pll") && causeText(x, "card").contains("no driver of the "
                + "scenario matches it"), causeText(x, "card"));
    }

    @Test
    void noDriverForAnFwDevlinkSupplierWhoseDriverWasNeverRegistered() throws IOException {
        JsonNode x = explain(1, scenario("no-driver-supplier", """
                {"format": 1, "name": "supplier without its driver",
                 "drivers": [{"name": "mmc"}, {"name": "clk"}],
                 "devices": [{"name": "mmc", "suppliers": ["clk"]}, {"name": "clk"}],
                 "steps": [{"op": "register-devices"}, {"op": "register-drivers", "names": ["mmc"]}, {"op": "quiesce"}]}"""));
        assertEquals(List.of("no-driver clk"), causes(x, "mmc"));
        assertEquals("wait for supplier clk", chainOf(x, "mmc").get("reason").asText());
        assertEquals("supplier", chainOf(x, "mmc").get("waitsFor").get("kind").asText());
        assertTrue(causeText(x, "mmc").contains("driver clk matches it but was never registered"), causeText(x, "mmc"));
    }

    @Test
    void aProbeThatFailed() throws IOException {
        JsonNode x = explain(1, scenario("probe-failed", """
                {"format": 1, "name": "codec probe fails",
                 "drivers": [{"name": "card"}, {"name": "codec", "fails": true}],
                 "devices": [{"name": "card", "requires": ["codec"]}, {"name": "codec"}]}"""));
        assertEquals(List.of("probe-failed codec"), causes(x, "card"));
        assertEquals("failed", chainOf(x, "card").get("next").get(0).get("state").asText());
        assertTrue(causeText(x, "card").contains("\"fails\": true"), causeText(x, "card"));
    }

    @Test
    void aResourceNobodyProvides() throws IOException {
        JsonNode x = explain(1, scenario("no-provider", """
                {"format": 1, "name": "nobody provides spdif-dit",
                 "drivers": [{"name": "card"}, {"name": "i2s"}],
                 "devices": [{"name": "card", "requires": ["i2s", "spdif-dit"]}, {"name": "i2s"}]}"""));
        assertEquals(List.of("no-provider spdif-dit"), causes(x, "card"));
        assertEquals(0, chainOf(x, "card").get("waitsFor").get("providers").size());
    }

    @Test
    void aDependencyCycleNamedWithItsMembers() throws IOException {
        JsonNode x = explain(1, scenario("cycle", """
                {"format": 1, "name": "a and b wait for each other, c for a",
                 "drivers": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                 "devices": [{"name": "a", "requires": ["b"]}, {"name": "b", "requires": ["a"]},
                             {"name": "c", "requires": ["a"]}]}"""));
        assertEquals(3, x.get("deferred").asInt());
        for (String d : List.of("a", "b", "c")) {
            assertEquals("cycle", causes(x, d).get(0).split(" ")[0], d);
        }
        JsonNode cause = x.get("explained").get(0).get("causes").get(0);
        List<String> members = new ArrayList<>();
        cause.get("members").forEach(m -> members.add(m.asText()));
        assertEquals(List.of("a", "b", "a"), members);
        assertTrue(cause.get("text").asText().startsWith("dependency cycle: a -> b -> a"), cause.toString());
        // the same through fw_devlink's links
        JsonNode links = explain(1, scenario("cycle-links", """
                {"format": 1, "name": "suppliers of each other",
                 "drivers": [{"name": "x"}, {"name": "y"}],
                 "devices": [{"name": "x", "suppliers": ["y"]}, {"name": "y", "suppliers": ["x"]}]}"""));
        assertEquals(List.of("cycle "), causes(links, "x"));
    }

    @Test
    void aLatePublicationNothingTriggeredForOnTheKernelOnly() throws IOException {
        Path late = scenario("late", """
                {"format": 1, "name": "late",
                 "drivers": [{"name": "machine"}, {"name": "dsp", "publishDelayMicros": 100000}],
                 "devices": [{"name": "card", "compatible": ["machine"], "requires": ["component"]},
                             {"name": "dsp.0", "compatible": ["dsp"], "provides": ["component"]}]}""");
        JsonNode kernel = explain(1, late); // the default engine
        assertEquals("kernel", kernel.get("engine").asText());
        assertEquals(List.of("late-publication component"), causes(kernel, "card"));
        assertTrue(causeText(kernel, "card").contains("B2"), causeText(kernel, "card"));
        JsonNode lockFree = explain(0, late, "--engine", "lock-free");
        assertEquals(0, lockFree.get("deferred").asInt());
        assertEquals(0, lockFree.get("explained").size());
    }

    @Test
    void aDeviceThatIsNotRegisteredOrWhoseParentNeverBound() throws IOException {
        JsonNode x = explain(1, scenario("not-registered", """
                {"format": 1, "name": "codec never registered",
                 "drivers": [{"name": "card"}, {"name": "codec"}],
                 "devices": [{"name": "card", "requires": ["codec"]}, {"name": "codec"}],
                 "steps": [{"op": "register-devices", "names": ["card"]}, {"op": "register-drivers"}, {"op": "quiesce"}]}"""));
        assertEquals(List.of("not-registered codec"), causes(x, "card"));
        assertTrue(causeText(x, "card").contains("codec was never registered"), causeText(x, "card"));
        // a child registered by its parent's probe (M16), and no driver for the parent: the chain goes on into it
        JsonNode child = explain(1, scenario("child", """
                {"format": 1, "name": "the pmic is on an i2c bus nobody drives",
                 "drivers": [{"name": "mmc"}, {"name": "pmic"}],
                 "devices": [{"name": "mmc", "requires": ["vmmc"]}, {"name": "i2c", "children": ["pmic"]},
                             {"name": "pmic", "provides": ["vmmc"]}]}"""));
        assertEquals(List.of("no-driver i2c"), causes(child, "mmc"));
        JsonNode pmic = chainOf(child, "mmc").get("next").get(0);
        assertTrue(pmic.get("state").asText().startsWith("not registered"), pmic.toString());
        assertEquals("i2c", pmic.get("next").get(0).get("device").asText());
    }

    /** The README's example: scenarios/explain/stuck-board.json, one stuck device per cause. */
    @Test
    void theShippedStuckBoardHasOneDeviceStuckForEachCause() throws IOException {
        JsonNode x = explain(1, SCENARIOS.resolve("explain").resolve("stuck-board.json"));
        assertEquals(List.of("cycle "), causes(x, "bridge"));
        assertEquals(List.of("cycle "), causes(x, "panel"));
        assertEquals(List.of("no-driver pll@0"), causes(x, "sound"));
        assertEquals(List.of("probe-failed hdmi@ff940000"), causes(x, "hdmi-sound"));
        assertEquals(List.of("no-provider spdif-dit"), causes(x, "spdif-sound"));
        assertEquals(List.of("late-publication sof-audio-component"), causes(x, "skl_hda_dsp_generic"));
        assertEquals(List.of("no-driver i2c@ff3c0000"), causes(x, "mmc@fe320000"));
    }

    @Test
    void nothingDeferredOnTheExampleBoardExits0AndTheTextSaysSo() {
        MainTest.Result r = run("explain", "--scenario", SCENARIOS.resolve("devicetree").resolve("example-board.dtb")
                .toString(), "--engine", "all");
        assertEquals(0, r.status(), r::toString);
        assertEquals(4, r.out().lines().filter(l -> l.equals("  nothing is deferred")).count(), r::toString);
    }

    @Test
    void namedDevicesOnlyAndTheTextForm() throws IOException {
        Path f = scenario("named", """
                {"format": 1, "name": "two stuck",
                 "drivers": [{"name": "card"}, {"name": "amp"}],
                 "devices": [{"name": "card", "requires": ["dai"]}, {"name": "amp", "requires": ["i2s"]},
                             {"name": "ok", "compatible": ["amp"]}]}""");
        JsonNode x = explain(1, f, "amp");
        assertEquals(1, x.get("explained").size());
        assertEquals(List.of("no-provider i2s"), causes(x, "amp"));
        JsonNode bound = explain(0, f, "ok");
        assertTrue(chainOf(bound, "ok").get("state").asText().startsWith("bound"), bound.toString());
        MainTest.Result text = run("explain", "--scenario", f.toString());
        assertEquals(1, text.status());
        assertTrue(text.out().contains("kernel: 2 of 3 devices still deferred"), text.out());
        assertTrue(text.out().contains("  card: deferred (waiting for dai)"), text.out());
        assertTrue(text.out().contains("  root cause: nobody provides resource dai"), text.out());
    }

    @Test
    void badInput() throws IOException {
        Path f = scenario("bad", """
                {"format": 1, "name": "one", "drivers": [{"name": "a"}], "devices": [{"name": "a"}]}""");
        assertBadInput(run("explain", "--scenario", f.toString(), "nosuch"), "no device nosuch");
        assertBadInput(run("explain", "--scenario", dir.resolve("missing.json").toString()), "missing.json");
        assertBadInput(run("explain", "--scenario", f.toString(), "--engine", "nosuch"), "--engine");
        assertBadInput(run("explain"), "--scenario");
        assertFalse(run("explain", "--help").out().isEmpty());
    }
}
