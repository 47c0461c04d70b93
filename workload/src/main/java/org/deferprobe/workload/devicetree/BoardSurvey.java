package org.deferprobe.workload.devicetree;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;
import org.deferprobe.engine.FwDevlink;
import org.deferprobe.workload.RunResult;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioRunner;

/**
 * Loads every {@code .dtb} under a directory (recursively), prints each board's statistics and whether
 * every device bound on the given engines, then the totals; optionally boots all of them as one rack.
 * For verification and docs/device-trees.md, not for tests (real blobs are not shipped).
 *
 * <pre>
 * java -cp workload/target/classes:engine/target/classes \
 *     org.deferprobe.workload.devicetree.BoardSurvey DIR [--engines global-lock,kernel] [--probe-micros N]
 *     [--timeout SECONDS] [--only a.dtb,b.dtb] [--markdown] [--rack] [--warmup N] [--fw-devlink on|permissive|off]
 * </pre>
 *
 * {@code --fw-devlink} sets the mode of every scenario (default: on, the kernel's).
 *
 * {@code --warmup N} runs each board N times per engine, unreported, before the run it reports (JIT warm-up).
 *
 * {@code --only} picks the boards surveyed one by one; {@code --rack} always boots every board found.
 * Exit status: 0 when every board loaded and every device bound on every engine (and the rack, if asked);
 * 1 otherwise; 2 for bad usage.
 */
public final class BoardSurvey {
    private BoardSurvey() {
    }

    public static void main(String[] args) {
        try {
            System.exit(new Options(args).run(System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("BoardSurvey: " + e.getMessage());
            System.exit(2);
        }
    }

    private static final class Options {
        Path dir;
        List<EngineType> engines = List.of(EngineType.GLOBAL_LOCK);
        long probeMicros;
        Duration timeout = Duration.ofSeconds(120);
        Set<String> only;
        boolean markdown;
        boolean rack;
        int warmup;
        FwDevlink fwDevlink = FwDevlink.ON;

        Options(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--engines" -> engines = Stream.of(value(args, ++i, a).split(","))
                            .map(EngineType::byName).toList();
                    case "--probe-micros" -> probeMicros = Long.parseLong(value(args, ++i, a));
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
                    case "--only" -> only = Set.of(value(args, ++i, a).split(","));
                    case "--markdown" -> markdown = true;
                    case "--rack" -> rack = true;
                    case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                    case "--fw-devlink" -> fwDevlink = FwDevlink.byName(value(args, ++i, a));
                    default -> {
                        if (a.startsWith("--") || dir != null) {
                            throw new IllegalArgumentException("unexpected argument " + a);
                        }
                        dir = Path.of(a);
                    }
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("usage: BoardSurvey DIR [--engines a,b] [--probe-micros N]"
                        + " [--timeout SECONDS] [--only a.dtb,b.dtb] [--markdown] [--rack] [--warmup N] [--fw-devlink MODE]");
            }
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        int run(PrintStream out) {
            List<Path> found = dtbsUnder(dir);
            List<Path> files = found.stream().filter(p -> only == null || only.contains(Fdt.fileName(p))).toList();
            int loaded = 0;
            List<String> loadErrors = new ArrayList<>();
            Map<EngineType, Integer> allBound = new LinkedHashMap<>();
            engines.forEach(e -> allBound.put(e, 0));
            Map<EngineType, long[]> sums = new LinkedHashMap<>(); // makespan us, probe calls, supplier deferrals
            engines.forEach(e -> sums.put(e, new long[3]));
            long deviceTotal = 0;
            if (markdown) {
                out.println("| board | devices | drivers | supplier edges | relaxed | depth | "
                        + engines.stream().map(e -> e.engineName() + " makespan / probe calls")
                        .collect(Collectors.joining(" | ")) + " |");
                out.println("|---|---:|---:|---:|---:|---:|" + "---:|".repeat(engines.size()));
            }
            for (Path file : files) {
                Scenario scenario;
                DeviceTreeStats stats;
                try {
                    scenario = DeviceTreeScenario.load(file, probeMicros).withFwDevlink(fwDevlink);
                    stats = DeviceTreeScenario.stats(file);
                } catch (DeviceTreeException e) {
                    loadErrors.add(e.getMessage());
                    out.println(e.getMessage());
                    continue;
                }
                loaded++;
                deviceTotal += scenario.devices().size();
                StringBuilder line = new StringBuilder();
                if (markdown) {
                    line.append(String.format("| %s | %d | %d | %d | %d | %d |", stats.board(), stats.devices(),
                            stats.drivers(), stats.supplierEdges(), stats.relaxedEdges(), stats.depth()));
                } else {
                    line.append(String.format("%-45s devices %5d drivers %4d edges %5d relaxed %4d depth %3d",
                            stats.board(), stats.devices(), stats.drivers(), stats.supplierEdges(),
                            stats.relaxedEdges(), stats.depth()));
                }
                for (EngineType engine : engines) {
                    for (int w = 0; w < warmup; w++) {
                        new ScenarioRunner(scenario).run(engine, timeout);
                    }
                    RunResult r = supervised(scenario, engine, timeout); // a livelock is a violation, not a hang
                    boolean all = r.passed() && r.bound().size() == scenario.devices().size();
                    if (all) {
                        allBound.merge(engine, 1, Integer::sum);
                    }
                    long[] sum = sums.get(engine);
                    sum[0] += r.makespanMicros();
                    sum[1] += r.stats().probeCalls();
                    sum[2] += r.stats().supplierDeferrals();
                    line.append(markdown
                            ? String.format(" %s%.1f ms / %d |", all ? "" : "NOT BOUND ", r.makespanMicros() / 1000.0,
                            r.stats().probeCalls())
                            : String.format("  %s: %s %d/%d %.1f ms probes %d supplier-deferrals %d",
                            engine.engineName(), all ? "bound" : "NOT BOUND", r.bound().size(),
                            scenario.devices().size(), r.makespanMicros() / 1000.0, r.stats().probeCalls(),
                            r.stats().supplierDeferrals()));
                }
                out.println(line);
            }
            boolean ok = loadErrors.isEmpty();
            out.printf("total: %d .dtb files, %d loaded, %d rejected%n", files.size(), loaded, loadErrors.size());
            for (EngineType engine : engines) {
                long[] sum = sums.get(engine);
                out.printf("total: %s: every device bound on %d of %d loaded boards (fw_devlink %s); summed over the "
                                + "boards: makespan %.1f ms, probe calls %d, supplier deferrals %d, for %d devices%n",
                        engine.engineName(), allBound.get(engine), loaded, fwDevlink.modeName(), sum[0] / 1000.0,
                        sum[1], sum[2], deviceTotal);
                ok &= allBound.get(engine) == loaded;
            }
            if (rack) {
                ok &= rack(found, out);
            }
            return ok ? 0 : 1;
        }

        private boolean rack(List<Path> files, PrintStream out) {
            long t0 = System.nanoTime();
            Scenario scenario;
            try {
                scenario = DeviceTreeScenario.rack(Fdt.fileName(dir), files, probeMicros).withFwDevlink(fwDevlink);
            } catch (DeviceTreeException e) {
                out.println("rack: " + e.getMessage());
                return false;
            }
            out.printf("rack: %s: %d devices (%d registered by their parent's probe), %d drivers, fw_devlink %s, "
                            + "loaded in %.1f s%n", scenario.name(), scenario.devices().size(),
                    scenario.devicesRegisteredByProbes().size(), scenario.drivers().size(), fwDevlink.modeName(),
                    (System.nanoTime() - t0) / 1e9);
            boolean ok = true;
            for (EngineType engine : engines) {
                RunResult r = supervised(scenario, engine, timeout);
                boolean all = r.passed() && r.bound().size() == scenario.devices().size();
                ok &= all;
                out.printf("rack: %s: %s %d/%d, makespan %.1f ms, probe calls %d, deferrals %d, supplier deferrals %d, "
                                + "triggers %d, passes %d, violations %s, errors %d%n", engine.engineName(),
                        all ? "all bound" : "NOT ALL BOUND", r.bound().size(), scenario.devices().size(),
                        r.makespanMicros() / 1000.0, r.stats().probeCalls(), r.stats().deferrals(),
                        r.stats().supplierDeferrals(), r.stats().triggers(), r.stats().passes(), r.violations(),
                        r.errors().size());
            }
            return ok;
        }
    }

    private static RunResult supervised(Scenario scenario, EngineType engine, Duration timeout) {
        return new ScenarioRunner(scenario).runSupervised(engine, EngineConfig.defaults(), timeout,
                ScenarioRunner.Watch.NONE);
    }

    /** Every .dtb under a directory, recursively, sorted by file name. */
    static List<Path> dtbsUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Fdt.fileName(p).endsWith(".dtb") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(Fdt::fileName)).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage());
        }
    }
}
