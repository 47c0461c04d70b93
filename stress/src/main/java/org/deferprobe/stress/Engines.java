package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deferprobe.engine.EngineType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --engine}: {@code all} is every real engine ({@link EngineType#real()}); a name is that engine, a
 * deliberately broken one included.
 */
final class Engines implements ITypeConverter<Engines.Choice> {
    static final String ALL = "all";

    @Override
    public Choice convert(String value) {
        if (value.equals(ALL)) {
            return new Choice(value, EngineType.real());
        }
        try {
            return new Choice(value, List.of(EngineType.byName(value)));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage() + ", or " + ALL);
        }
    }

    /** What {@code --engine} named, and the engines it stands for, in the order to run them. */
    record Choice(String name, List<EngineType> types) {
    }

    /** Completion candidates and the help text's list: every real engine's name, then "all". */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (EngineType t : EngineType.real()) {
                names.add(t.engineName());
            }
            names.add(ALL);
            return names.iterator();
        }
    }

    /** The help footer of every command with --engine: the deliberately broken engines, apart from the real ones. */
    static String[] helpFooter() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Deliberately broken engines, never part of 'all' (each the kernel");
        lines.add("engine with one fix taken out, to watch the soak catch its bug):");
        for (EngineType t : EngineType.broken()) {
            lines.add(String.format("  %-13s %s", t.engineName(), describe(t)));
        }
        return lines.toArray(String[]::new);
    }

    private static String describe(EngineType t) {
        return switch (t.engineName()) {
            case "racy-2012" -> "walk before the driver list, v3.5: B1 (soak: lost-probe)";
            case "racy-2014" -> "no M8 recheck, before 58b116bce136: B1 (soak: lost-probe)";
            case "remove-race" -> "no M9 fence: B3 bound after removal (soak: bound-after-removal)";
            case "locking-2026" -> "device lock for every match, dc23806a7c47: B4 (soak: deadlock)";
            default -> "known bugs " + t.knownBugs();
        };
    }
}
