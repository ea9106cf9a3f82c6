package io.eflow.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The console's audit trail: logins, failures, lock-outs, users and tokens, one line each in
 * {@code console-audit.log} beside eflowd's log (root-only), and in eflowd's log too. Never a password or token.
 */
public final class ConsoleAudit {
    private static final Logger log = LoggerFactory.getLogger(ConsoleAudit.class);
    private final Path file;
    private final Clock clock;

    public ConsoleAudit(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public synchronized void record(String raw) {
        // one line per event, whatever a caller put in a name or header
        String event = raw.replaceAll("\\p{Cntrl}", "?");
        log.warn("console: {}", event);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, clock.instant() + " " + event + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.error("console: cannot write the audit log {}: {}", file, e.getMessage());
        }
    }
}
