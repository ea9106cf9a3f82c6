package io.eflow.samples.module;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One line per event on stdout, "TIME MODULE: message": what `iotedge logs` (and eflow's module logs) show. The
 * samples write nothing else, so each line is whole even when threads log at once (PrintStream locks per line).
 */
public final class Log {
    private final String module;
    private final PrintStream out;
    private final Clock clock;

    public Log(String module) {
        this(module, System.out, Clock.systemUTC());
    }

    public Log(String module, PrintStream out, Clock clock) {
        this.module = module;
        this.out = out;
        this.clock = clock;
    }

    public void info(String message) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        out.println(now + " " + module + ": " + message);
    }

    public void error(String message, Throwable cause) {
        info(message + ": " + describe(cause));
    }

    /** "ExceptionName: message" for the exception and, when it adds something, its root cause. */
    public static String describe(Throwable error) {
        if (error == null) {
            return "no reason given";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = brief(error);
        return root == error ? text : text + " (" + brief(root) + ")";
    }

    private static String brief(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    public void flush() {
        out.flush();
    }
}
