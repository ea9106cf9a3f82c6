package io.eflow.cli;

import io.eflow.platform.InvalidValue;

import java.util.Map;

import static java.util.Map.entry;

/**
 * The CLI's names for the request values a domain error names: the user gave them as these flags, so an error about
 * {@code memoryMb} reads "--memory must be at least 1024 MB, not 512".
 */
final class Flags {
    private static final Map<String, String> BY_FIELD = Map.ofEntries(
            entry("name", "--name"), entry("cpus", "--cpus"), entry("memoryMb", "--memory"),
            entry("dataSizeGb", "--data-size"), entry("logSize", "--log-size"), entry("backend", "--backend"),
            entry("ip", "--ip"), entry("prefix", "--prefix"), entry("gateway", "--gateway"),
            entry("sshTransport", "--ssh-transport"), entry("healthTimeoutSeconds", "--health-timeout"),
            entry("tries", "--tries"), entry("allowDowngrade", "--allow-downgrade"), entry("allowSkip", "--allow-skip"),
            entry("timeoutSeconds", "--timeout"), entry("output", "--output"),
            // logs without --output: the CLI sends its working folder
            entry("directory", "the output directory"),
            entry("from", "--from"), entry("hostPath", "--host-path"), entry("guestPath", "--guest-path"),
            entry("serial", "--serial"), entry("guestName", "--guest-name"), entry("to", "--to"), entry("force", "--force"));

    private Flags() {
    }

    /** The error in the CLI's words; a value the CLI has no flag for keeps the request's name. */
    static String message(InvalidValue error) {
        return error.message(field -> BY_FIELD.getOrDefault(field, field));
    }
}
