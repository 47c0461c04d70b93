package org.deferprobe.workload.devicetree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.Step;

/**
 * Flattened device trees as scenarios, by rules 1-6 of docs/scenario-format.md, "Device trees": every
 * enabled node with {@code compatible} is a device named by its full path, one sync driver per distinct
 * first compatible string, and each device requires the devices its phandle properties reference (the
 * fw_devlink list), with dependency cycles relaxed so that a complete tree can bind.
 *
 * <p>Every method is static and thread-safe. Every method that reads a blob throws
 * {@link DeviceTreeException}, with one line naming the file, for a file that cannot be read or is
 * truncated or corrupt; it never throws anything else for bad input, never hangs and never needs more
 * memory than a small multiple of the blob's size.
 */
public final class DeviceTreeScenario {
    /** Threads a rack's concurrent registration step uses, at most. */
    static final int MAX_RACK_THREADS = 8;

    private DeviceTreeScenario() {
    }

    /**
     * One board: devices, drivers (each with {@code probeMicros}), the default steps, no expect.
     * The scenario is named after the file.
     *
     * @throws DeviceTreeException      if the file cannot be read or is not a valid blob
     * @throws IllegalArgumentException if {@code probeMicros} is negative
     */
    public static Scenario load(Path dtb, long probeMicros) {
        return fromBlob(Fdt.fileName(dtb), Fdt.readBlob(dtb), probeMicros);
    }

    /**
     * Every {@code .dtb} file directly in {@code dir}, sorted by file name, as independent boards of one
     * scenario: device names, requires and provides are prefixed by the board's file name and a colon
     * ({@code rk3399-rock-pi-4b.dtb:/soc/i2c@ff3c0000}); drivers are shared by compatible string. The
     * steps register all devices and drivers at once from several threads ({@link Step.Concurrent}), then
     * quiesce. The scenario is named after the directory.
     *
     * @throws DeviceTreeException      if {@code dir} is not a readable directory, holds no {@code .dtb}
     *                                  file, or one of them is not a valid blob (the message names it)
     * @throws IllegalArgumentException if {@code probeMicros} is negative
     */
    public static Scenario loadRack(Path dir, long probeMicros) {
        return rack(Fdt.fileName(dir), boardsIn(dir), probeMicros);
    }

    /**
     * The statistics of one board.
     *
     * @throws DeviceTreeException if the file cannot be read or is not a valid blob
     */
    public static DeviceTreeStats stats(Path dtb) {
        return Board.of(Fdt.read(dtb)).stats();
    }

    /**
     * One board from a blob in memory; {@code file} names the scenario and starts every error message.
     *
     * @throws DeviceTreeException      if the blob is not valid
     * @throws IllegalArgumentException if {@code probeMicros} is negative
     */
    public static Scenario fromBlob(String file, byte[] blob, long probeMicros) {
        checkProbeMicros(probeMicros);
        Board board = Board.of(Fdt.parse(file, blob));
        Map<String, DriverSpec> drivers = new LinkedHashMap<>();
        board.addDrivers(drivers, probeMicros);
        return new Scenario(file, new ArrayList<>(drivers.values()), board.devices(""), Scenario.DEFAULT_STEPS, null);
    }

    /** The statistics of a blob in memory. */
    static DeviceTreeStats statsOf(String file, byte[] blob) {
        return Board.of(Fdt.parse(file, blob)).stats();
    }

    /** A rack of the given files in the given order; file names must be distinct. */
    static Scenario rack(String name, List<Path> files, long probeMicros) {
        checkProbeMicros(probeMicros);
        if (files.isEmpty()) {
            throw new DeviceTreeException(name + ": no .dtb files");
        }
        Map<String, DriverSpec> drivers = new LinkedHashMap<>();
        List<DeviceSpec> devices = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path file : files) {
            String board = Fdt.fileName(file);
            if (!seen.add(board)) {
                throw new DeviceTreeException(board + ": two boards of the rack " + name
                        + " have this file name; their device names would collide");
            }
            Board b = Board.of(Fdt.read(file));
            b.addDrivers(drivers, probeMicros);
            devices.addAll(b.devices(board + ":"));
        }
        int threads = Math.max(2, Math.min(MAX_RACK_THREADS, files.size()));
        List<Step> steps = List.of(new Step.Concurrent(threads,
                List.of(new Step.RegisterDevices(null), new Step.RegisterDrivers(null))), new Step.Quiesce());
        return new Scenario(name + " (" + files.size() + " boards)", new ArrayList<>(drivers.values()), devices,
                steps, null);
    }

    /** The {@code .dtb} regular files directly in {@code dir}, sorted by file name. */
    static List<Path> boardsIn(Path dir) {
        String name = Fdt.fileName(dir);
        if (!Files.isDirectory(dir)) {
            throw new DeviceTreeException(name + ": not a directory: " + dir);
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> Fdt.fileName(p).endsWith(".dtb") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(Fdt::fileName)).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DeviceTreeException(name + ": cannot list the directory: " + e, e);
        }
    }

    private static void checkProbeMicros(long probeMicros) {
        if (probeMicros < 0) {
            throw new IllegalArgumentException("probeMicros must not be negative: " + probeMicros);
        }
    }
}
