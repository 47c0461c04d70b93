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

    /** Completion candidates and the help text's list: every engine name, then "all". */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (EngineType t : EngineType.values()) {
                names.add(t.engineName());
            }
            names.add(ALL);
            return names.iterator();
        }
    }
}
