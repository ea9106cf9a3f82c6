package io.eflow.channel;

import java.nio.charset.StandardCharsets;

/** What a command run in the guest produced: its exit code and its raw output. */
public record CommandResult(int exitCode, byte[] stdout, byte[] stderr) {
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
