package org.deferprobe.stress;

import static org.deferprobe.stress.MainTest.assertBadInput;
import static org.deferprobe.stress.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.deferprobe.engine.EngineType;
import org.junit.jupiter.api.Test;

/** The soak command line through {@link Main#execute}: exit status 0/1/2, JSON events, help. */
class SoakCommandTest {
    static final String[] SMALL = {"--duration", "1s", "--devices", "100", "--threads", "16", "--seed", "3"};

    static String[] args(String... first) {
        List<String> all = new ArrayList<>(List.of("soak"));
        all.addAll(List.of(first));
        all.addAll(List.of(SMALL));
        return all.toArray(String[]::new);
    }

    @Test
    void allRealEnginesPassWithJsonSummaries() throws IOException {
        MainTest.Result r = run(args("--engine", "all", "--json"));
        assertEquals(0, r.status(), r::toString);
        List<String> engines = new ArrayList<>();
        String workload = null;
        for (String line : r.out().lines().toList()) {
            JsonNode o = MainTest.MAPPER.readTree(line);
            if (o.get("event").textValue().equals("summary")) {
                assertTrue(o.get("passed").booleanValue(), line);
                assertEquals(3, o.get("seed").longValue());
                assertTrue(o.get("rounds").intValue() >= 1, line);
                engines.add(o.get("engine").textValue());
                workload = workload == null ? o.get("workload").textValue() : workload;
                assertEquals(workload, o.get("workload").textValue(), "same seed, same workload");
            }
        }
        assertEquals(EngineType.real().stream().map(EngineType::engineName).toList(), engines);
    }

    @Test
    void aCaughtBugExits1AndPrintsTheReplayCommand() {
        MainTest.Result r = run(args("--engine", "remove-race"));
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.out().contains("VIOLATION bound-after-removal (seed 3, round "), r.out());
        assertTrue(r.out().contains("replay: java -jar stress/target/stress.jar soak --engine remove-race --seed 3 "
                + "--devices 100 --threads 16 --round "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("caught [") && l.contains("B3_REMOVE_VS_ASYNC")), r.out());
    }

    /** The supplier links are in every workload; the mode decides whether they gate, and the replay keeps it. */
    @Test
    void everyFwDevlinkModeSoaksAndTheReplayCommandCarriesIt() {
        for (String mode : List.of("on", "permissive", "off")) {
            MainTest.Result r = run(args("--engine", "indexed", "--fw-devlink", mode));
            assertEquals(0, r.status(), r::toString);
            assertTrue(r.out().contains("fw_devlink " + mode + ", ") && r.out().contains(" with supplier links"),
                    r.out());
        }
        MainTest.Result caught = run(args("--engine", "remove-race", "--fw-devlink", "off"));
        assertEquals(1, caught.status(), caught::toString);
        assertTrue(caught.out().lines().anyMatch(l -> l.contains("replay: ") && l.endsWith(" --fw-devlink off")),
                caught.out());
    }

    @Test
    void replayingOneRound() {
        MainTest.Result r = run(args("--engine", "kernel", "--round", "5"));
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("kernel") && r.out().contains("PASS"), r.out());
    }

    @Test
    void badFlagsAreOneLineAndExit2() {
        assertBadInput(run("soak", "--engine", "fastest"), "--engine", "fastest", "racy-2012");
        assertBadInput(run("soak", "--engine", "kernel", "--devices", "5"), "--devices", "5");
        assertBadInput(run("soak", "--engine", "kernel", "--threads", "0"), "--threads", "0");
        assertBadInput(run("soak", "--engine", "kernel", "--duration", "soon"), "--duration", "soon");
        assertBadInput(run("soak", "--engine", "kernel", "--round", "-1"), "--round", "-1");
        assertBadInput(run("soak", "--engine", "kernel", "--seed", "x"), "--seed", "x");
        assertBadInput(run("soak", "--engine", "kernel", "--bogus"), "--bogus");
        assertBadInput(run("soak", "--engine", "kernel", "--fw-devlink", "strict"), "--fw-devlink", "strict");
        assertBadInput(run("soak"), "--engine");
    }

    @Test
    void helpListsTheBrokenEnginesApartInRunAndSoak() {
        for (String cmd : List.of("run", "soak")) {
            MainTest.Result r = run(cmd, "--help");
            assertEquals(0, r.status(), r::toString);
            String out = r.out();
            int apart = out.indexOf("Deliberately broken engines");
            assertTrue(apart > 0, out);
            for (EngineType t : EngineType.broken()) {
                assertTrue(out.indexOf(t.engineName()) > apart, () -> t.engineName() + " listed among the real: " + out);
            }
            for (EngineType t : EngineType.real()) {
                int at = out.indexOf(t.engineName());
                assertTrue(at > 0 && at < apart, () -> t.engineName() + " missing: " + out);
            }
        }
        MainTest.Result top = run("--help");
        assertTrue(top.out().contains("soak"), top.out());
        assertFalse(run("soak", "--help").out().contains("Exception"));
    }
}
