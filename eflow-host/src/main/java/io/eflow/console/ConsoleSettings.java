package io.eflow.console;

import io.eflow.platform.InvalidValue;

import java.time.Duration;
import java.util.List;

/**
 * The remote API's settings ({@code eflow console enable}), kept across daemon restarts.
 *
 * @param enabled     whether eflowd serves HTTPS
 * @param host        the address it listens on: loopback unless the operator says otherwise
 * @param port        its TCP port
 * @param certificate the operator's PEM certificate chain; null: one from the install-local CA
 * @param key         the operator's PEM private key, with {@code certificate}
 * @param sessionIdle a browser session ends after this long without a request
 * @param sessionMax  and this long after login, however busy
 */
public record ConsoleSettings(boolean enabled, String host, int port, String certificate, String key, Duration sessionIdle,
                              Duration sessionMax) {
    public static final int DEFAULT_PORT = 9443;
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    static final Duration DEFAULT_MAX = Duration.ofHours(12);

    public ConsoleSettings {
        host = host == null ? "127.0.0.1" : host;
        sessionIdle = sessionIdle == null ? DEFAULT_IDLE : sessionIdle;
        sessionMax = sessionMax == null ? DEFAULT_MAX : sessionMax;
        if (port < 1 || port > 65535) {
            throw new InvalidValue("listen", "port must be 1-65535, not " + port);
        }
        if ((certificate == null) != (key == null)) {
            throw new InvalidValue(List.of("cert", "key"), "give both a certificate and its key, or neither");
        }
    }

    static ConsoleSettings off() {
        return new ConsoleSettings(false, null, DEFAULT_PORT, null, null, null, null);
    }

    ConsoleSettings disabled() {
        return new ConsoleSettings(false, host, port, certificate, key, sessionIdle, sessionMax);
    }

    /** {@code HOST:PORT}, {@code [IPV6]:PORT}, {@code :PORT} or {@code PORT}; an address or a name. */
    static ConsoleSettings parseListen(String listen, String certificate, String key, Duration idle, Duration max) {
        String host = "127.0.0.1";
        String port = listen == null ? Integer.toString(DEFAULT_PORT) : listen;
        int colon = port.lastIndexOf(':');
        boolean bracketed = port.startsWith("[") && colon > 0 && port.charAt(colon - 1) == ']';
        if (bracketed) {
            host = port.substring(1, colon - 1);
            port = port.substring(colon + 1);
        } else if (colon >= 0) {
            host = colon == 0 ? host : port.substring(0, colon);
            port = port.substring(colon + 1);
        }
        boolean valid = bracketed ? host.matches("[0-9A-Fa-f:.]{2,45}") && host.contains(":") : host.matches("[A-Za-z0-9.-]{1,253}");
        if (!port.matches("\\d{1,5}") || !valid) {
            throw new InvalidValue("listen", "must be HOST:PORT, [IPV6]:PORT, :PORT or PORT, not '" + listen + "'");
        }
        return new ConsoleSettings(true, host, Integer.parseInt(port), certificate, key, idle, max);
    }

    /** Listening on every address, IPv4 ({@code 0.0.0.0}) or IPv6 and IPv4 ({@code ::}, however it is spelled). */
    boolean wildcard() {
        return "0.0.0.0".equals(host) || ipv6Wildcard(host);
    }

    /** {@code ::}, {@code ::0}, {@code 0:0:0:0:0:0:0:0}: read as the address literal it is, never looked up. */
    static boolean ipv6Wildcard(String host) {
        return host != null && host.contains(":") && host.replaceAll("[:0]", "").isEmpty();
    }

    public String url() {
        String shown = wildcard() ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return "https://" + shown + ":" + port + "/";
    }
}
