package org.deferprobe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.deferprobe.engine.Engine;
import org.deferprobe.engine.EngineConfig;
import org.deferprobe.engine.EngineType;

/**
 * The benchmarks' only way to an engine: by the {@code engine} @Param, through {@link EngineType}.
 *
 * <p>JMH @Param values are compile-time constants, so every benchmark lists the names known when it was
 * written ({@link #PARAM_NAMES}); a name this build's EngineType does not know fails the trial at once with
 * a message that says so (JMH goes on with the other parameters). The quick profile does not rely on the
 * constant list: it passes {@code -p engine=floor,<every EngineType.real() name>}, which always matches the
 * build, so engines added later are measured without touching the benchmarks.
 */
public final class Engines {
    /** The pseudo-engine that measures the physical limit of the same quantity with no engine at all. */
    public static final String FLOOR = "floor";

    private Engines() {
    }

    /** "floor" and every real engine of this build, in declaration order: what the quick profile sweeps. */
    public static List<String> namesWithFloor() {
        List<String> names = new ArrayList<>();
        names.add(FLOOR);
        EngineType.real().forEach(t -> names.add(t.engineName()));
        return names;
    }

    public static boolean isFloor(String name) {
        return FLOOR.equals(name);
    }

    /**
     * Fails the trial at once, in its first setup, for a name that is neither "floor" nor a real engine of
     * this build (benchmarks that make their engine per iteration call this from their trial setup).
     */
    public static void requireKnown(String name) {
        if (!isFloor(name)) {
            create(name, EngineConfig.defaults().withExecutorThreads(1)).close();
        }
    }

    /**
     * Makes the named real engine.
     *
     * @throws IllegalStateException for "floor" (callers branch on {@link #isFloor} first), for a deliberately
     *                               broken engine, and for a name this build does not have, naming the ones it has
     */
    public static Engine create(String name, EngineConfig config) {
        for (EngineType t : EngineType.real()) {
            if (t.engineName().equals(name)) {
                return t.create(config);
            }
        }
        throw new IllegalStateException("engine '" + name + "' is not a real engine in this build (real engines: "
                + EngineType.real().stream().map(EngineType::engineName).collect(Collectors.joining(", "))
                + "); run with -p engine=" + String.join(",", namesWithFloor()));
    }
}
