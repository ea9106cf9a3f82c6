package io.eflow.iothub.emulator.service;

import com.sun.net.httpserver.HttpExchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * One HTTP request as the routes read it: the path's captured ids, the query, headers and the body, read once. Public
 * for the endpoints other services mount on the HTTPS port ({@link ServiceServer#mount}).
 */
public final class Request {
    private final HttpExchange exchange;
    private final Matcher path;
    private final Map<String, String> query;
    private final byte[] body;
    private final List<X509Certificate> clientCertificates;

    Request(HttpExchange exchange, Matcher path, byte[] body, List<X509Certificate> clientCertificates) {
        this.exchange = exchange;
        this.path = path;
        this.body = body;
        this.clientCertificates = clientCertificates;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The path's n-th captured part, decoded. */
    public String part(int n) {
        return path.group(n);
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
    }

    public Map<String, String> queryMap() {
        return query;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** Headers named {@code prefix…}, by the rest of the name in lower case (HTTP names are case-insensitive). */
    public Map<String, String> headersStartingWith(String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith(prefix) && !values.isEmpty()) {
                found.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return found;
    }

    public byte[] body() {
        return body.clone();
    }

    /** What the HTTPS client presented in its TLS handshake, leaf first; empty when nothing. */
    public List<X509Certificate> clientCertificates() {
        return clientCertificates;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            query.put(decode(key), decode(value));
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
