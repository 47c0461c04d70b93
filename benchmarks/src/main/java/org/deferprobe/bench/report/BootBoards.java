package org.deferprobe.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deferprobe.bench.Engines;
import org.deferprobe.engine.FwDevlink;
import org.openjdk.jmh.runner.RunnerException;

/**
 * {@code boot --boards PATH[,PATH...]}: the Boot benchmark on real device trees, every board beside the floor and
 * every real engine, forks interleaved as in the quick profile, then the table with 95% intervals, the targets
 * (lock-free and indexed within 1.2x the lower bound) and the report folder. A PATH is a {@code .dtb} or a
 * directory whose {@code .dtb} files are boards of their own (not a rack).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar boot --boards juno.dtb,imx8mq-evk.dtb [--fw-devlink on,off]
 *     [--probe-micros 1000] [--forks 3] [--out DIR]
 * </pre>
 * Every driver is async and every probe sleeps {@code --probe-micros} (default 1000); {@code --fw-devlink} lists
 * the modes to measure (default on, the kernel's). Bad usage is one line and exit status 2.
 */
public final class BootBoards {
    static final String DEFAULT_DIR = "bench-report-boot";

    private BootBoards() {
    }

    record Options(QuickProfile.Options run, List<Path> boards, List<String> modes, long probeMicros) {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws RunnerException, IOException {
        Options o;
        try {
            o = parse(args);
            QuickProfile.prepare(o.run().dir());
        } catch (IllegalArgumentException e) {
            err.println("boot: " + e.getMessage());
            return 2;
        }
        List<ForkRunner.Plan> plans = plans(o);
        String title = "deferprobe Boot on " + o.boards().size() + " device trees";
        Results results = QuickProfile.measure(title, plans, Engines.namesWithFloor(), o.run(), out);
        QuickProfile.report(title, results, o.run().dir(), out);
        return 0;
    }

    /** One plan per board and mode: async drivers, the given probe time, 3 warm-up and 10 measured boots a fork. */
    static List<ForkRunner.Plan> plans(Options o) {
        List<ForkRunner.Plan> plans = new ArrayList<>();
        for (Path board : o.boards()) {
            for (String mode : o.modes()) {
                Map<String, String> params = new LinkedHashMap<>();
                params.put("source", board.toString());
                params.put("devices", "200"); // ignored for a tree; spelled out so the series key never depends on a default
                params.put("probeMicros", String.valueOf(o.probeMicros()));
                params.put("async", "1.0");
                params.put("fwDevlink", mode);
                plans.add(new ForkRunner.Plan("Boot", params, 1, false, 3, null, 10, null));
            }
        }
        return plans;
    }

    static Options parse(String[] args) {
        List<String> rest = new ArrayList<>();
        List<Path> boards = null;
        List<String> modes = List.of(FwDevlink.ON.modeName());
        long probeMicros = 1000;
        boolean outGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--boards" -> {
                    boards = boards(v);
                    i++;
                }
                case "--fw-devlink" -> {
                    modes = modes(v);
                    i++;
                }
                case "--probe-micros" -> {
                    probeMicros = probeMicros(v);
                    i++;
                }
                case "--forks", "--out" -> {
                    outGiven |= a.equals("--out");
                    rest.add(a);
                    if (v != null) {
                        rest.add(v);
                    }
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (options: --boards PATH[,PATH...], "
                        + "--fw-devlink MODE[,MODE], --probe-micros N, --forks N, --out DIR)");
            }
        }
        if (boards == null) {
            throw new IllegalArgumentException("--boards PATH[,PATH...] is required (.dtb files or directories of them)");
        }
        if (!outGiven && System.getProperty(org.deferprobe.bench.ReportSink.DIR_PROPERTY) == null) {
            rest.add("--out");
            rest.add(DEFAULT_DIR);
        }
        return new Options(QuickProfile.parse(rest.toArray(String[]::new)), boards, modes, probeMicros);
    }

    private static List<Path> boards(String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--boards needs .dtb files or directories, comma-separated");
        }
        List<Path> out = new ArrayList<>();
        for (String part : v.split(",")) {
            Path p = Path.of(part.trim()).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    List<Path> dtbs = files.filter(f -> f.getFileName().toString().endsWith(".dtb")).sorted().toList();
                    if (dtbs.isEmpty()) {
                        throw new IllegalArgumentException("--boards: " + p + " holds no .dtb file");
                    }
                    out.addAll(dtbs);
                } catch (IOException e) {
                    throw new IllegalArgumentException("--boards: cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".dtb")) {
                out.add(p);
            } else {
                throw new IllegalArgumentException("--boards: " + part + " is neither a .dtb file nor a directory");
            }
        }
        return out;
    }

    private static List<String> modes(String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--fw-devlink needs on, permissive or off, comma-separated");
        }
        List<String> out = new ArrayList<>();
        for (String m : v.split(",")) {
            try {
                out.add(FwDevlink.byName(m.trim()).modeName());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fw-devlink: " + e.getMessage());
            }
        }
        return out;
    }

    private static long probeMicros(String v) {
        try {
            long n = Long.parseLong(v == null ? "" : v);
            if (n >= 0 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--probe-micros " + v + ": must be a whole number from 0 to 1000000");
    }
}
