package org.deferprobe.engine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every engine, by name: the one place engines are made. Benchmarks, the soak and the CLI iterate this
 * enum, so an engine added here is covered by all of them. Deliberately broken engines (one known bug
 * each, for proving the harness bites) are listed here too, apart: {@link #isBroken()}.
 */
public enum EngineType {
    /** One lock around everything: the baseline. */
    GLOBAL_LOCK("global-lock", false, EnumSet.of(KnownBug.STUCK_PROBE_BLOCKS_REGISTRATION), GlobalLockEngine::new),
    /** drivers/base/dd.c as it is, B2 included. */
    KERNEL("kernel", false, EnumSet.of(KnownBug.B2_LATE_RESOURCE), KernelEngine::new),
    /** No global lock on any path: per-device locks, a lock-free deferred queue, an atomic coalescing trigger. */
    LOCK_FREE("lock-free", false, EnumSet.noneOf(KnownBug.class), LockFreeEngine::new),
    /** Lock-free, and a publication re-probes only the devices parked on that resource. */
    INDEXED("indexed", false, EnumSet.noneOf(KnownBug.class), IndexedEngine::new),

    // ---- deliberately broken engines: the kernel with one fix taken out each (plus its B2), so anyone can
    // ---- watch the soak catch the bug (docs/soak.md). Never counted in real(), never benchmarked.
    /** Seed 000's own window (v3.5's bus_add_driver walks before listing the driver): B1, 2012. */
    RACY_2012("racy-2012", true, EnumSet.of(KnownBug.B1_LOST_PROBE, KnownBug.B2_LATE_RESOURCE), Racy2012Engine::new),
    /** The kernel without the M8 trigger-count recheck (before 58b116bce136): B1, 2014. */
    RACY_2014("racy-2014", true, EnumSet.of(KnownBug.B1_LOST_PROBE, KnownBug.B2_LATE_RESOURCE), Racy2014Engine::new),
    /** The kernel whose attach paths ignore the M9 fence: B3, seed 003. */
    REMOVE_RACE("remove-race", true, EnumSet.of(KnownBug.B3_REMOVE_VS_ASYNC, KnownBug.B2_LATE_RESOURCE),
            RemoveRaceEngine::new),
    /** The kernel with the reverted dc23806a7c47 (device lock for every match, non-reentrant): B4, seed 004. */
    LOCKING_2026("locking-2026", true, EnumSet.of(KnownBug.B4_PROBE_REGISTERS_DRIVER,
            KnownBug.STUCK_PROBE_BLOCKS_REGISTRATION, KnownBug.B2_LATE_RESOURCE), Locking2026Engine::new);

    private final String engineName;
    private final boolean broken;
    private final Set<KnownBug> knownBugs;
    private final Function<EngineConfig, Engine> factory;

    EngineType(String engineName, boolean broken, Set<KnownBug> knownBugs, Function<EngineConfig, Engine> factory) {
        this.engineName = engineName;
        this.broken = broken;
        this.knownBugs = knownBugs;
        this.factory = factory;
    }

    /** The name used on the command line, in reports and in JMH parameters. */
    public String engineName() {
        return engineName;
    }

    /** True for the deliberately broken engines, which exist to prove the harness catches their bug. */
    public boolean isBroken() {
        return broken;
    }

    /** The known bugs this engine has on purpose (the kernel engine faithfully has B2). */
    public Set<KnownBug> knownBugs() {
        return knownBugs.isEmpty() ? Set.of() : EnumSet.copyOf(knownBugs);
    }

    public boolean has(KnownBug bug) {
        return knownBugs.contains(bug);
    }

    public Engine create(EngineConfig config) {
        return factory.apply(config);
    }

    public Engine create() {
        return create(EngineConfig.defaults());
    }

    /** The real engines, in declaration order: what "all" means. */
    public static List<EngineType> real() {
        return Arrays.stream(values()).filter(t -> !t.broken).toList();
    }

    /** The deliberately broken engines. */
    public static List<EngineType> broken() {
        return Arrays.stream(values()).filter(t -> t.broken).toList();
    }

    /**
     * The engine of that name.
     *
     * @throws IllegalArgumentException naming the known engines
     */
    public static EngineType byName(String name) {
        for (EngineType t : values()) {
            if (t.engineName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "' (known: "
                + Arrays.stream(values()).map(EngineType::engineName).collect(Collectors.joining(", ")) + ")");
    }
}
