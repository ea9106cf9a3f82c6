package io.eflow.daemon;

import io.eflow.console.Console;
import io.eflow.daemon.api.CliLine;
import io.eflow.daemon.api.EflowVersion;
import io.eflow.daemon.api.SocketProbe;
import io.eflow.forward.Forwards;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Json;
import io.eflow.platform.Privileges;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The eflow daemon: owns the {@link InstanceManager} and serves its REST API on a root-only UNIX socket.
 * There is no TCP listener unless the operator enables the console ({@link Console}: HTTPS, users, roles, tokens;
 * Javalin adds its default 8080 connector only when none is configured, so the socket's app has none).
 */
public final class Eflowd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Eflowd.class);
    /**
     * A request may legitimately be silent for long (invoke waits for its command, deploy between progress lines);
     * the socket is local and root-only, so idle connections cost nothing worth a timeout shorter than a day.
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(24);
    /** How long a new daemon waits for one that is stopping (its socket gone, its lock still held); under the CLI's 10 s. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(5);
    static final int MAX_THREADS = 256;

    private final Path socket;
    private final InstanceManager manager;
    private final DaemonLock lock;
    private final Javalin app;
    private final Forwards forwards;
    private final Console console;
    private final DaemonApi api;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private Eflowd(Path socket, InstanceManager manager, DaemonLock lock, Javalin app, Forwards forwards, Console console, DaemonApi api) {
        this.console = console;
        this.api = api;
        this.socket = socket;
        this.manager = manager;
        this.lock = lock;
        this.app = app;
        this.forwards = forwards;
    }

    /** Starts serving; refuses without root and when another eflowd runs. Takes ownership of {@code manager}. */
    public static Eflowd start(EflowPaths paths, InstanceManager manager) {
        return start(paths, manager, null);
    }

    /**
     * @param lines runs a CLI command line in this process, for {@code POST /v1/cli} (the CLI hands the lines it
     *              can over, so they run in this warm JVM); null: the route is not served
     */
    public static Eflowd start(EflowPaths paths, InstanceManager manager, Function<CliLine, CliLine.Answer> lines) {
        DaemonLock lock = null;
        try {
            Privileges.requireRoot();
            Path socket = paths.daemonSocket();
            RuntimeDirectory.prepare(socket.getParent(), socket);
            if (SocketProbe.answers(socket)) {
                throw EflowException.conflict("another eflowd already answers on " + socket + ": stop it first");
            }
            lock = DaemonLock.acquire(socket.resolveSibling("eflowd.lock"), LOCK_WAIT);
            // we hold the lock, so whatever socket file is left belongs to a daemon that died
            Files.deleteIfExists(socket);
            Forwards forwards = new Forwards(manager);
            DaemonApi api = new DaemonApi(manager, forwards, lines);
            Console console = new Console(paths.home().resolve("console"), paths.log().resolve("console-audit.log"), api::register);
            Javalin app = createApp(socket, routes -> {
                api.register(routes);
                console.register(routes);
            });
            app.start();
            RuntimeDirectory.restrictSocket(socket);
            forwards.restore(); // after the socket is root-only: restoring may take a while
            console.startIfEnabled();
            api.start();
            log.info("eflowd {} (pid {}) serving on {}", EflowVersion.get(), ProcessHandle.current().pid(), socket);
            return new Eflowd(socket, manager, lock, app, forwards, console, api);
        } catch (IOException e) {
            closeAfterFailedStart(manager, lock);
            throw EflowException.failure("cannot start eflowd: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAfterFailedStart(manager, lock);
            throw e;
        }
    }

    static Javalin createApp(Path socket, DaemonApi api) {
        return createApp(socket, api::register);
    }

    static Javalin createApp(Path socket, Consumer<RoutesConfig> routes) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            // Threads are made as requests come and end after a minute idle, so the ceiling costs nothing at rest. It
            // must stay above the answers that stay open (a followed log, a subscription, a live view holds a thread
            // for as long), or every other request waits behind them: a ceiling of 32 did that at forty followers.
            config.jetty.threadPool = new QueuedThreadPool(MAX_THREADS, 2);
            config.jetty.addConnector((server, http) -> unixConnector(server, http, socket));
            config.requestLogger.http((ctx, ms) ->
                    log.info("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms)));
            routes.accept(config.routes);
        });
    }

    private static Connector unixConnector(Server server, HttpConfiguration http, Path socket) {
        http.setSendServerVersion(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        return connector;
    }

    private static void closeAfterFailedStart(InstanceManager manager, DaemonLock lock) {
        try {
            manager.close();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    public Path socket() {
        return socket;
    }

    /** The remote API and console, enabled or not. */
    public Console console() {
        return console;
    }

    /** The server's connectors, so tests can prove there is no TCP listener. */
    public List<Connector> connectors() {
        return List.of(app.jettyServer().server().getConnectors());
    }

    /** Blocks until {@link #close()} ran (from SIGTERM's shutdown hook in production). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting requests, closes the instances, removes the socket; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("eflowd stopping");
        try {
            // The socket's name first: a CLI that comes now finds no daemon and starts the next one, which waits for our
            // lock, instead of reaching this one as it closes. Connections already open are not affected.
            Files.deleteIfExists(socket);
            console.close();
            api.stop();
            // The guests' connections before the server: calls waiting on a guest (an invoke's sleep, a followed log)
            // end now and answer that eflowd is shutting down. The server stopped first used to wait 5 s for those
            // threads, holding the daemon lock all the while.
            forwards.close();
            manager.close();
            app.stop();
            log.info("eflowd stopped");
        } catch (IOException | RuntimeException e) {
            log.error("eflowd did not stop cleanly", e);
        } finally {
            lock.close();
            stopped.countDown();
        }
    }
}
