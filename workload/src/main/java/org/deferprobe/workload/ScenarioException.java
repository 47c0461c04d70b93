package org.deferprobe.workload;

/**
 * A scenario file that cannot be loaded: missing, unreadable, malformed or invalid.
 *
 * <p>The message is one line, {@code FILE: FIELD: PROBLEM}, where FIELD is a JSON path such as
 * {@code drivers[2].probeMicros} (or {@code line L, column C} for malformed JSON), and PROBLEM quotes the
 * offending value, e.g. {@code scenarios/x.json: drivers[2].probeMicros: must be a non-negative integer, got -5}.
 * The CLI prints it as is and exits with status 2.
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String field;

    /** A problem with one field: the message is {@code source: field: problem}. */
    public ScenarioException(String source, String field, String problem) {
        super(oneLine(source + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem));
        this.source = source;
        this.field = field;
    }

    /** A problem with the whole file (missing, unreadable, unsupported): the message is {@code source: problem}. */
    public ScenarioException(String source, String problem) {
        this(source, null, problem);
    }

    /** The file (or source name) at fault. */
    public String source() {
        return source;
    }

    /** The JSON path of the field at fault, or null when the whole file is. */
    public String field() {
        return field;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
