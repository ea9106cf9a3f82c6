package io.eflow.edge.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Sits between the client and a {@link TestRegistry} and spoils what a real network or registry could: flips a
 * byte of every gzip layer, cuts layers off half way (the connection drops), demands a Bearer token from
 * its own token realm, or sends each layer slowly (in 30 parts a tenth of a second apart), as a far registry would.
 */
public final class FaultyProxy implements AutoCloseable {
    public enum Fault { CORRUPT, TRUNCATE, BEARER, SLOW }

    static final String TOKEN = "test-token";
    static final String TOKEN_LOGIN = "Basic " + Base64.getEncoder()
            .encodeToString("tokenuser:tokenpass".getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final HttpServer server;
    private final String upstream;
    private final Fault fault;

    public FaultyProxy(TestRegistry registry, Fault fault) throws IOException {
        this.upstream = registry.address();
        this.fault = fault;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::forward);
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void token(HttpExchange exchange) throws IOException {
        boolean loggedIn = TOKEN_LOGIN.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                && exchange.getRequestURI().getQuery().contains("scope=repository:app:pull");
        respond(exchange, loggedIn ? 200 : 401, loggedIn ? ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8) : new byte[0]);
    }

    private void forward(HttpExchange exchange) throws IOException {
        if (fault == Fault.BEARER && !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + address()
                    + "/token\",service=\"test\",scope=\"repository:app:pull\"");
            respond(exchange, 401, new byte[0]);
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()));
        List<String> accept = exchange.getRequestHeaders().get("Accept");
        if (accept != null) {
            accept.forEach(a -> request.header("Accept", a));
        }
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
        byte[] body = response.body();
        boolean layer = body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b; // gzip magic
        if (layer && fault == Fault.CORRUPT) {
            body = body.clone();
            body[body.length / 2] ^= 1;
        }
        if (layer && fault == Fault.TRUNCATE) {
            // Promise the whole blob, send half, and drop the connection.
            exchange.sendResponseHeaders(response.statusCode(), body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            exchange.close();
            return;
        }
        if (layer && fault == Fault.SLOW) {
            exchange.sendResponseHeaders(response.statusCode(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                int part = body.length / 30 + 1;
                for (int at = 0; at < body.length; at += part) {
                    out.write(body, at, Math.min(part, body.length - at));
                    out.flush();
                    pause();
                }
            }
            return;
        }
        respond(exchange, response.statusCode(), body);
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
