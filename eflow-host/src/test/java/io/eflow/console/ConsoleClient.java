package io.eflow.console;

import io.eflow.daemon.api.ConsoleSession;
import io.eflow.daemon.api.LoginRequest;
import io.eflow.platform.Json;
import io.eflow.platform.TrustedCa;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An HTTPS client of the remote API as a browser or script is one: it trusts the console's CA and nothing else. */
final class ConsoleClient {
    private final HttpClient http;
    private final URI base;

    /** A logged-in browser: its session cookie and the CSRF token the login answer gave it. */
    record Browser(String cookie, String csrf) {
    }

    ConsoleClient(URI base, Path caPem) {
        this.base = base;
        this.http = HttpClient.newBuilder().sslContext(TrustedCa.sslContext(caPem)).build();
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        return call("POST", "/v1/console/login", new String(Json.write(new LoginRequest(user, password))));
    }

    Browser browser(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> answer = login(user, password);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + answer.statusCode() + " " + answer.body());
        }
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        ConsoleSession session = Json.readAnswer(answer.body().getBytes(), ConsoleSession.class);
        return new Browser(setCookie.substring(0, setCookie.indexOf(';')), session.csrf());
    }

    /** A call as the browser makes it: the cookie, and the CSRF token on state-changing calls. */
    HttpResponse<String> asBrowser(Browser browser, String method, String path, String body) throws IOException, InterruptedException {
        List<String> headers = new ArrayList<>(List.of("Cookie", browser.cookie()));
        if (!method.equals("GET")) {
            headers.addAll(List.of(ConsoleGate.CSRF_HEADER, browser.csrf()));
        }
        return call(method, path, body, headers.toArray(String[]::new));
    }

    /** Opens a WebSocket with these headers; fails as the handshake does. */
    void webSocket(String path, String... headers) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        URI uri = URI.create(base.toString().replaceFirst("^https", "wss")).resolve(path);
        builder.buildAsync(uri, new WebSocket.Listener() {
        }).get(10, TimeUnit.SECONDS).abort();
    }

    /** A long answer (server-sent events), its body read as it comes. */
    HttpResponse<InputStream> open(String path, String... headers) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).headers(headers).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<String> withToken(String token, String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, "Authorization", "Bearer " + token);
    }
}
