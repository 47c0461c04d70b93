package org.deferprobe.stress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.engine.KnownBug;
import org.deferprobe.engine.ProbeHook;

/**
 * The soak of one engine: rounds ({@link SoakRound}) until the duration is spent or a round wedged, a status
 * line every few seconds, every violation printed with its seed, round and the command that replays it, and a
 * summary. Same seed, same workload and same operations in every round (thread interleavings differ, which is
 * the point).
 */
final class Soak {
    static final String JAR = "java -jar stress/target/stress.jar";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Violations printed in full per check and explaining bug; the rest are counted. */
    private static final int PRINTED_PER_CHECK = 5;
    private static final int KEPT = 1_000;

    /**
     * @param round if not null, replay only this round, over and over
     */
    record Settings(long seed, int devices, int threads, Duration duration, Integer round, boolean livelock,
                    SoakRound.Limits limits, Duration statusEvery, boolean json) {
        String replay(EngineType type, int r) {
            return JAR + " soak --engine " + type.engineName() + " --seed " + seed + " --devices " + devices
                    + " --threads " + threads + " --round " + r + " --duration " + Durations.format(duration)
                    + (livelock ? " --livelock" : "")
                    + (limits.fwDevlink() == FwDevlink.ON ? "" : " --fw-devlink " + limits.fwDevlink().modeName());
        }
    }

    /**
     * @param failing violations that fail the soak (every one on a broken engine), at most {@value #KEPT} kept
     * @param known   violations a real engine's declared known bug explains (the kernel's B2)
     * @param counts  failing violations per check, all of them
     */
    record Summary(EngineType type, long elapsedMillis, int rounds, long ops, long binds, int pending,
                   List<SoakViolation> failing, List<SoakViolation> known, Map<String, Integer> counts,
                   int knownCount, String stoppedBy, long midRoundChecks) {
        boolean passed() {
            return counts.isEmpty();
        }

        /** The engine's declared bugs whose signature was seen. */
        Set<KnownBug> caught() {
            Set<KnownBug> bugs = EnumSet.noneOf(KnownBug.class);
            failing.forEach(v -> { if (v.explainedBy() != null) bugs.add(v.explainedBy()); });
            known.forEach(v -> bugs.add(v.explainedBy()));
            return bugs;
        }
    }

    private final EngineType type;
    private final SoakWorkload w;
    private final Settings s;
    private final PrintWriter out;
    private final LockOrderValidator lockdep = new LockOrderValidator();
    private ProbeHook testHook = ProbeHook.NONE;

    private volatile int rounds;
    private volatile long ops;
    private volatile long midRoundChecks;
    private volatile long binds;
    private volatile long triggers;
    private volatile int pending;
    private volatile SoakRound current;
    private final List<SoakViolation> failing = new ArrayList<>();
    private final List<SoakViolation> known = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, Integer> printed = new TreeMap<>();
    private volatile int knownCount;

    Soak(EngineType type, SoakWorkload w, Settings s, PrintWriter out) {
        this.type = type;
        this.w = w;
        this.s = s;
        this.out = out;
    }

    /** For tests: a hook called first in every probe of every round (to make a round stuck on purpose). */
    Soak withTestHook(ProbeHook hook) {
        this.testHook = hook;
        return this;
    }

    Summary run() {
        long start = System.nanoTime();
        long deadline = start + s.duration().toNanos();
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-status");
            t.setDaemon(true);
            return t;
        });
        long every = s.statusEvery().toMillis();
        status.scheduleAtFixedRate(() -> status(start), every, every, TimeUnit.MILLISECONDS);
        String stoppedBy = null;
        try {
            int r = s.round() == null ? 0 : s.round();
            do {
                RoundPlan plan = RoundPlan.generate(w, r, s.threads());
                SoakRound round = new SoakRound(type, w, plan, s.limits(), lockdep, testHook);
                current = round;
                SoakRound.Result res = round.run();
                current = null;
                ops += res.ops();
                midRoundChecks += round.midRoundChecks();
                if (res.snapshot() != null) {
                    binds += res.snapshot().stats().binds();
                    triggers += res.snapshot().stats().triggers();
                    pending = res.snapshot().deferred().size();
                }
                rounds++;
                for (SoakViolation v : res.violations()) {
                    record(Invariants.explainWatchdog(type, v));
                }
                if (res.wedged()) {
                    stoppedBy = "round " + r + " wedged (threads stuck for good): the remaining rounds were skipped";
                    break;
                }
                if (s.round() == null) {
                    r++;
                }
            } while (System.nanoTime() - deadline < 0);
        } finally {
            status.shutdownNow();
        }
        Summary sum = new Summary(type, (System.nanoTime() - start) / 1_000_000, rounds, ops, binds, pending,
                List.copyOf(failing), List.copyOf(known), Map.copyOf(counts), knownCount, stoppedBy, midRoundChecks);
        out.println(s.json() ? summaryJson(sum) : summaryText(sum));
        out.flush();
        return sum;
    }

    private synchronized void record(SoakViolation v) {
        boolean fails = Invariants.fails(type, v);
        if (fails) {
            counts.merge(v.check(), 1, Integer::sum);
            if (failing.size() < KEPT) {
                failing.add(v);
            }
        } else {
            knownCount++;
            if (known.size() < KEPT) {
                known.add(v);
            }
        }
        String key = (fails ? "" : "known ") + v.check() + " " + v.explainedBy(); // each bug's first ones show
        if (printed.merge(key, 1, Integer::sum) > PRINTED_PER_CHECK) {
            return;
        }
        if (s.json()) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("event", "violation");
            o.put("engine", type.engineName());
            o.put("check", v.check());
            o.put("fails", fails);
            o.put("knownBug", v.explainedBy() == null ? null : v.explainedBy().name());
            o.put("seed", s.seed());
            o.put("round", v.round());
            o.put("message", v.message());
            o.put("replay", s.replay(type, v.round()));
            if (!v.detail().isEmpty()) {
                o.put("detail", v.detail());
            }
            out.println(json(o));
        } else {
            out.println("[" + type.engineName() + "] " + (fails ? "VIOLATION " : "KNOWN ") + v.check() + " (seed "
                    + s.seed() + ", round " + v.round() + "): " + v.message()
                    + (v.explainedBy() == null ? "" : "  [" + (fails ? "caught " : "explained by ") + v.explainedBy() + "]"));
            out.println("  replay: " + s.replay(type, v.round()));
            if (!v.detail().isEmpty()) {
                out.print(v.detail());
            }
        }
        out.flush();
    }

    private void status(long start) {
        SoakRound r = current;
        long liveOps = ops + (r == null ? 0 : r.opsDone());
        int violations;
        int knownNow;
        synchronized (this) {
            violations = counts.values().stream().mapToInt(Integer::intValue).sum();
            knownNow = knownCount;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (s.json()) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("event", "status");
            o.put("engine", type.engineName());
            o.put("elapsedMillis", (long) (elapsed * 1000));
            o.put("rounds", rounds);
            o.put("ops", liveOps);
            o.put("binds", binds);
            o.put("triggers", triggers);
            o.put("pending", pending);
            o.put("violations", violations);
            o.put("known", knownNow);
            out.println(json(o));
        } else {
            out.println(String.format("[%s] %6.1f s  rounds %d  ops %d  binds %d  triggers %d  pending %d  violations %d%s",
                    type.engineName(), elapsed, rounds, liveOps, binds, triggers, pending, violations,
                    knownNow == 0 ? "" : "  known " + knownNow));
        }
        out.flush();
    }

    String summaryText(Summary sum) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-13s %s  %.1f s  rounds %d  ops %d  binds %d  pending %d  violations %d",
                type.engineName(), sum.passed() ? "PASS" : "FAIL", sum.elapsedMillis() / 1e3, sum.rounds(), sum.ops(),
                sum.binds(), sum.pending(), sum.counts().values().stream().mapToInt(Integer::intValue).sum()));
        if (sum.knownCount() > 0) {
            b.append("  known ").append(sum.knownCount()).append(" (explained by ")
                    .append(sum.known().stream().map(v -> v.explainedBy() + " " + v.check()).distinct().toList())
                    .append(')');
        }
        b.append(String.format("%n  seed %d, %d threads, %s", s.seed(), s.threads(), w.describe()));
        b.append(String.format("%n  invariants checked at %d mid-round quiescences besides the ends of phases",
                sum.midRoundChecks()));
        sum.counts().forEach((check, n) -> b.append(String.format("%n  %s: %d", check, n)));
        if (type.isBroken()) {
            b.append(String.format("%n  deliberately broken engine (%s): caught %s", type.knownBugs(), sum.caught()));
        }
        if (sum.stoppedBy() != null) {
            b.append(String.format("%n  stopped: %s", sum.stoppedBy()));
        }
        return b.toString();
    }

    String summaryJson(Summary sum) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", "summary");
        o.put("engine", type.engineName());
        o.put("broken", type.isBroken());
        o.put("passed", sum.passed());
        o.put("seed", s.seed());
        o.put("devices", s.devices());
        o.put("threads", s.threads());
        o.put("workload", w.fingerprint());
        o.put("elapsedMillis", sum.elapsedMillis());
        o.put("rounds", sum.rounds());
        o.put("ops", sum.ops());
        o.put("binds", sum.binds());
        o.put("pending", sum.pending());
        o.put("midRoundChecks", sum.midRoundChecks());
        ObjectNode byCheck = o.putObject("violations");
        sum.counts().forEach(byCheck::put);
        o.put("known", sum.knownCount());
        var caught = o.putArray("caught");
        sum.caught().forEach(bug -> caught.add(bug.name()));
        if (sum.stoppedBy() == null) {
            o.putNull("stoppedBy");
        } else {
            o.put("stoppedBy", sum.stoppedBy());
        }
        return json(o);
    }

    private static String json(ObjectNode o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
