package io.eflow.platform;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Values the user gave that cannot be used, named as the request names them ({@code memoryMb}, {@code name}, …).
 * The domain says what is wrong with the values; a front end that took them under other names (the CLI's flags)
 * names them its own way in front of {@link #problem()}.
 */
public final class InvalidValue extends EflowException {
    private final List<String> fields;
    private final String problem;

    /**
     * @param field   the value's name in the request
     * @param problem what is wrong, worded to follow the name ("must be at least 1024 MB, not 512")
     */
    public InvalidValue(String field, String problem) {
        this(List.of(field), problem);
    }

    /** Values that are wrong together ("ip and gateway must differ"). */
    public InvalidValue(List<String> fields, String problem) {
        this(400, fields, problem);
    }

    /** As a client rebuilds it from an answer, with the answer's status. */
    public InvalidValue(int status, List<String> fields, String problem) {
        super(status, names(fields, UnaryOperator.identity()) + " " + problem);
        this.fields = List.copyOf(fields);
        this.problem = oneLine(problem);
    }

    /**
     * A path the user gave, as a {@link Path}: text the file system cannot take (a NUL character) is the user's
     * mistake, named by {@code field}, not the {@link InvalidPathException} a server would answer 500 to.
     */
    public static Path path(String field, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new InvalidValue(field, "is not a path: " + e.getReason());
        }
    }

    public List<String> fields() {
        return fields;
    }

    public String problem() {
        return problem;
    }

    /** The message with each value named by {@code naming}. */
    public String message(UnaryOperator<String> naming) {
        return names(fields, naming) + " " + problem;
    }

    private static String names(List<String> fields, UnaryOperator<String> naming) {
        List<String> named = fields.stream().map(naming).toList();
        int last = named.size() - 1;
        return last == 0 ? named.get(0) : String.join(", ", named.subList(0, last)) + " and " + named.get(last);
    }
}
