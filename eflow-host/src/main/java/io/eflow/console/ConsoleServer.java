package io.eflow.console;

import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyStore;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The HTTPS listener of the remote API and console: TLS 1.3 and 1.2 only, one connector on the address the operator
 * chose, nothing in plain HTTP (a plain request on the port gets no answer from the API). The same routes as the host's
 * socket, behind {@link ConsoleGate}.
 */
final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    /** Longer than a followed log's keep-alive lines, short enough that dead browsers' connections go. */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    static final String WEB = "/io/eflow/console/web";

    private final Javalin app;

    private ConsoleServer(Javalin app) {
        this.app = app;
    }

    static ConsoleServer start(ConsoleSettings settings, KeyStore keyStore, ConsoleGate gate, Consumer<RoutesConfig> api) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.jetty.threadPool = new QueuedThreadPool(32, 2);
            config.jetty.addConnector((server, http) -> connector(server, http, settings, keyStore));
            // the console's pages from eflow-console-ui's jar; nothing is fetched from elsewhere
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = WEB;
                files.location = Location.CLASSPATH;
            });
            config.requestLogger.http((ctx, ms) -> {
                Caller caller = Caller.of(ctx);
                log.info("console {} {} {} -> {} in {} ms", caller == null ? "-" : caller.user(), ctx.method(), ctx.path(), ctx.statusCode(),
                        Math.round(ms));
            });
            gate.register(config.routes);
            api.accept(config.routes);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            throw EflowException.failure("cannot listen on " + settings.host() + ":" + settings.port() + ": " + rootMessage(e), e);
        }
        log.info("console and remote API on {}", settings.url());
        return new ConsoleServer(app);
    }

    private static ServerConnector connector(Server server, HttpConfiguration http, ConsoleSettings settings, KeyStore keyStore) {
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // clients check the certificate against the name they used; the server serves whatever name reaches it
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(new String(ConsoleTls.STORE_PASSWORD));
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        return connector;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close() {
        app.stop();
    }
}
