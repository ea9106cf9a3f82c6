package io.eflow.cli;

import io.eflow.platform.Progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A long command's progress on stderr: one line per step, and on a terminal a bar under a step that moves through bytes
 * (a slot written from a bundle) or a tool's phases (mmdebstrap), redrawn in place. Not on a terminal, or with --json, only the step lines: logs and
 * scripts get no carriage returns.
 */
final class ProgressLines implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final boolean terminal;
    private boolean barShown;

    ProgressLines(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    static ProgressLines of(CliContext context, JsonOption json) {
        return new ProgressLines(context.err(), context.terminal() && !json.json);
    }

    @Override
    public synchronized void accept(String line) {
        endBar();
        err.println(line);
    }

    @Override
    public synchronized void bytes(String step, long done, long total) {
        if (!terminal || total <= 0) {
            return;
        }
        err.print("\r\033[K" + bar(done, total));
        err.flush();
        barShown = true;
        if (done >= total) {
            endBar();
        }
    }

    @Override
    public synchronized void phase(String step, int done, int total, String phase) {
        if (!terminal || total <= 0) {
            return;
        }
        err.print("\r\033[K" + meter(done, total) + "  " + done + "/" + total + " " + phase);
        err.flush();
        barShown = true;
    }

    /** {@code [##########----------]  50%  138/276 MiB} */
    static String bar(long done, long total) {
        return meter(done, total) + "  " + (done >> 20) + "/" + (total >> 20) + " MiB";
    }

    private static String meter(long done, long total) {
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + String.format(Locale.ROOT, "%3d%%", 100 * Math.min(done, total) / total);
    }

    private void endBar() {
        if (barShown) {
            err.println();
            barShown = false;
        }
    }
}
