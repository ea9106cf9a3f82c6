package io.eflow.instance;

import java.util.List;
import java.util.stream.Collectors;

/** Joins argv into one POSIX shell command line, as SSH carries a command as a single string. */
final class ShellQuoting {
    private ShellQuoting() {
    }

    static String join(List<String> argv) {
        if (argv.size() == 1) {
            return argv.get(0); // a single word is taken as a shell command line, like Invoke-EflowVmCommand -command
        }
        return argv.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
