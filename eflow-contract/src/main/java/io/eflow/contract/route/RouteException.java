package io.eflow.contract.route;

/**
 * A route the hub refuses. The message names where: the JSON path of the route (when it came from a document) and the
 * column in the route's text, e.g. {@code routes.r1: at column 34: expected INTO, found 'INT'}.
 */
public final class RouteException extends RuntimeException {
    private final String path;
    private final int column;
    private final String problem;

    RouteException(String path, int column, String problem) {
        super((path.isEmpty() ? "" : path + ": ") + (column > 0 ? "at column " + column + ": " : "") + problem);
        this.path = path;
        this.column = column;
        this.problem = problem;
    }

    /** A mistake in a route's text, at a 1-based column. */
    static RouteException syntax(int column, String problem) {
        return new RouteException("", column, problem);
    }

    /** The same problem, found inside the JSON value at {@code parent}. */
    public RouteException under(String parent) {
        return new RouteException(path.isEmpty() ? parent : parent + "." + path, column, problem);
    }

    /** The JSON path of the route or of its bad field, e.g. {@code routes.r1.priority}; empty for a bare route text. */
    public String path() {
        return path;
    }

    /** The 1-based column in the route's text where the problem is, or 0 when it is not about the text. */
    public int column() {
        return column;
    }

    /** What is wrong, without path and column. */
    public String problem() {
        return problem;
    }
}
