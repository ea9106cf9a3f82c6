package io.eflow.edge.hub;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves the hub's Prometheus metrics at {@code /metrics}, on the guest's loopback only (IoT Edge's port 9600): a
 * Prometheus in the guest scrapes it there, the host through {@code eflow forward add PORT 9600}.
 */
public final class MetricsServer implements AutoCloseable {
    public static final int PORT = 9600;
    private final HttpServer server;

    public MetricsServer(InetSocketAddress address, Supplier<String> metrics) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (!exchange.getRequestMethod().equals("HEAD")) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.setExecutor(null); // the server's own thread: a scrape is one small answer
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
