package org.deferprobe.stress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code soak}: rounds of a seeded random workload on one engine or on every real engine, each checked for
 * every invariant at quiescence, watched for deadlocks and livelocks, with lock order validated (docs/soak.md).
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Soaks an engine (or every real engine, one after another) with a seeded random workload: "
                + "rounds of concurrent registration, driver unload-reload, device removal during async probes and "
                + "explicit triggers, each checked at quiescence for lost-probe, bound-after-removal, supplier-not-bound, "
                + "probe-after-driver-removal, concurrent-probe, counter-mismatch and quiescence-timeout, watched for "
                + "deadlock and livelock, with lock order validated (lock-order).",
                "Every violation prints the seed, the round and the command that replays it."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no violation (on a real engine, its declared known bug may be reported as known)",
                "1:violations on some engine (always, for a broken engine whose bug was caught)",
                "2:bad input or usage (one line on stderr)",
                "3:internal error in the harness"})
final class SoakCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--engine", required = true, paramLabel = "NAME", converter = Engines.class,
            completionCandidates = Engines.Names.class,
            description = "A real engine (${COMPLETION-CANDIDATES}; 'all' soaks every real engine in turn) or a "
                    + "deliberately broken one (listed below).")
    Engines.Choice engine;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "How long to soak each engine (default: ${DEFAULT-VALUE}); e.g. 30s, 10m.")
    Duration duration;

    @Option(names = "--seed", paramLabel = "S", description = "The workload's seed (default: a random one, printed).")
    Long seed;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "2000",
            description = "Devices of the random dependency graph (default: ${DEFAULT-VALUE}; extras scale with it).")
    int devices;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "200",
            description = "Threads registering at once in each round (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "One JSON object per line: status, violation and summary events.")
    boolean json;

    @Option(names = "--round", paramLabel = "R",
            description = "Replay round R only (its workload and operations), over and over for the duration.")
    Integer round;

    @Option(names = "--livelock", description = "Add a probe that registers a child and defers for ever (B5): "
            + "the watchdog must report livelock and end each round.")
    boolean livelock;

    @Option(names = "--stall", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "No progress for this long ends a round as stuck (default: ${DEFAULT-VALUE}).")
    Duration stall;

    @Option(names = "--fw-devlink", paramLabel = "MODE", defaultValue = "on", converter = FwDevlinkMode.class,
            description = "fw_devlink mode for the workload's supplier links: on (the kernel's default; adds the "
                    + "supplier-not-bound check), permissive, off (default: ${DEFAULT-VALUE}).")
    FwDevlink fwDevlink;

    @Option(names = "--status", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "Print a status line this often (default: ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Override
    public Integer call() {
        if (devices < 10 || devices > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--devices: must be between 10 and 1000000, got " + devices);
        }
        if (threads < 1 || threads > 20_000) {
            throw new ParameterException(spec.commandLine(), "--threads: must be between 1 and 20000, got " + threads);
        }
        if (round != null && round < 0) {
            throw new ParameterException(spec.commandLine(), "--round: must not be negative, got " + round);
        }
        long s = seed != null ? seed : System.nanoTime() & 0xffffffL;
        PrintWriter out = spec.commandLine().getOut();
        Soak.Settings settings = new Soak.Settings(s, devices, threads, duration, round, livelock,
                SoakRound.Limits.defaults().withStall(stall).withFwDevlink(fwDevlink), statusEvery, json);
        SoakWorkload w = SoakWorkload.generate(s, devices, livelock);
        if (!json) {
            out.println("soak: seed " + s + ", " + threads + " threads, " + Durations.format(duration) + " per engine, "
                    + "fw_devlink " + fwDevlink.modeName() + ", " + w.describe());
            out.flush();
        }
        List<Soak.Summary> sums = new ArrayList<>();
        for (EngineType type : engine.types()) {
            sums.add(new Soak(type, w, settings, out).run());
        }
        return sums.stream().allMatch(Soak.Summary::passed) ? Main.OK : Main.FAILED;
    }
}
