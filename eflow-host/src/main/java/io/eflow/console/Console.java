package io.eflow.console;

import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;
import io.javalin.config.RoutesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The remote API and console as a whole ({@code eflow console enable|disable|status}, users, tokens): its settings,
 * accounts and audit trail under {@code EFLOW_HOME/console}, and the HTTPS listener while enabled. Off by default;
 * the host's socket is there either way.
 */
public final class Console implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String FIRST_ADMIN = "admin";

    private final Path folder;
    private final Clock clock;
    private final ConsoleAudit audit;
    private final ConsoleAccounts accounts;
    private final LoginGuard guard;
    private final Consumer<RoutesConfig> api;
    private final LiveStreams streams;
    /** The listener's door; null while off. Streams ask it whether their caller may still have them. */
    private volatile ConsoleGate gate;
    private ConsoleSettings settings;
    private Sessions sessions;
    private ConsoleServer server;
    private String fingerprint;

    /**
     * @param folder where settings, accounts and the CA live (root-only)
     * @param api    registers the daemon's REST API on the listener, as on the host's socket
     */
    public Console(Path folder, Path auditLog, Consumer<RoutesConfig> api) {
        this(folder, auditLog, api, Clock.systemUTC());
    }

    Console(Path folder, Path auditLog, Consumer<RoutesConfig> api, Clock clock) {
        this.folder = folder;
        this.clock = clock;
        this.api = api;
        this.audit = new ConsoleAudit(auditLog, clock);
        this.accounts = new ConsoleAccounts(folder.resolve("accounts.json"), clock, audit);
        this.guard = new LoginGuard(clock, audit);
        this.settings = readSettings();
        this.sessions = new Sessions(clock, settings.sessionIdle(), settings.sessionMax());
        this.streams = new LiveStreams(caller -> {
            ConsoleGate current = gate;
            return current != null && current.stillAllowed(caller);
        }, caller -> {
            ConsoleGate current = gate;
            if (current != null) {
                current.active(caller);
            }
        });
    }

    /** At eflowd's start: serves again when it was enabled. A failure is logged; the host's socket serves regardless. */
    public synchronized void startIfEnabled() {
        if (settings.enabled()) {
            try {
                listen(settings);
            } catch (RuntimeException e) {
                log.error("the console stays off: {}", e.getMessage());
            }
        }
    }

    /**
     * Starts (or restarts) the listener with these settings, then makes a first admin when there is none. The settings
     * are kept only when the listener runs; a failed change leaves the previous listener serving.
     */
    public synchronized ConsoleStatus enable(ConsoleEnable request) {
        ConsoleSettings wanted = ConsoleSettings.parseListen(request.listen(), absolute(request.certificate()), absolute(request.key()),
                request.sessionIdle() == null ? null : DurationWord.parse("session-idle", request.sessionIdle()),
                request.sessionMax() == null ? null : DurationWord.parse("session-max", request.sessionMax()));
        ConsoleSettings previous = settings;
        stopListening();
        try {
            listen(wanted);
        } catch (RuntimeException e) {
            if (previous.enabled()) {
                listen(previous);
            }
            throw e;
        }
        settings = wanted;
        writeSettings(wanted);
        audit.record("console enabled on " + wanted.url());
        ConsoleUserView first = accounts.hasAdmin() ? null : accounts.add(FIRST_ADMIN, ConsoleRole.ADMIN, null);
        ConsoleStatus status = status();
        return first == null ? status
                : new ConsoleStatus(status.enabled(), status.url(), status.caFile(), status.fingerprint(), first.name(), first.password());
    }

    public synchronized ConsoleStatus disable() {
        stopListening();
        settings = settings.disabled();
        writeSettings(settings);
        audit.record("console disabled");
        return status();
    }

    public synchronized ConsoleStatus status() {
        boolean on = server != null;
        return new ConsoleStatus(on, on ? settings.url() : null,
                settings.certificate() == null ? folder.resolve(ConsoleTls.CA_FILE).toString() : null, on ? fingerprint : null, null, null);
    }

    public ConsoleAccounts accounts() {
        return accounts;
    }

    /** The console's routes for users and tokens, on the host's socket and on the listener alike. */
    public void register(RoutesConfig routes) {
        new ConsoleRoutes(this).register(routes);
    }

    /**
     * Ends a user's browser sessions (removed, or a new password), and the live views they hold. A lock-out ends too:
     * the new password is the owner's way back in.
     */
    synchronized void endSessions(String user) {
        sessions.closeAll(user);
        guard.clear(user);
        streams.sweep();
    }

    /** A token was revoked: the streams it holds end now. */
    void tokenRevoked() {
        streams.sweep();
    }

    private void listen(ConsoleSettings with) {
        createFolder();
        KeyStore keyStore = ConsoleTls.keyStore(folder, with.host(), with.certificate() == null ? null : Path.of(with.certificate()),
                with.key() == null ? null : Path.of(with.key()));
        Sessions fresh = new Sessions(clock, with.sessionIdle(), with.sessionMax());
        ConsoleGate door = new ConsoleGate(accounts, fresh, guard, audit, streams);
        server = ConsoleServer.start(with, keyStore, door, routes -> {
            api.accept(routes);
            register(routes);
        });
        sessions = fresh;
        gate = door;
        streams.start();
        fingerprint = fingerprintOf(keyStore);
    }

    private void createFolder() {
        try {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw EflowException.failure("cannot make " + folder + ": " + e.getMessage(), e);
        }
    }

    private void stopListening() {
        gate = null;
        if (server != null) {
            server.close();
            server = null;
        }
        streams.stop();
    }

    private ConsoleSettings readSettings() {
        Path file = folder.resolve("settings.json");
        if (!Files.isRegularFile(file)) {
            return ConsoleSettings.off();
        }
        try {
            return Json.mapper().readValue(file.toFile(), ConsoleSettings.class);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeSettings(ConsoleSettings value) {
        Path file = folder.resolve("settings.json");
        try {
            FileTrees.writeDurably(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value), "rw-------");
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String absolute(String path) {
        if (path == null) {
            return null;
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new EflowException("no such file: " + file);
        }
        return file.toString();
    }

    private static String fingerprintOf(KeyStore keyStore) {
        try {
            return ConsoleTls.fingerprint((X509Certificate) keyStore.getCertificate("console"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        stopListening();
    }
}
