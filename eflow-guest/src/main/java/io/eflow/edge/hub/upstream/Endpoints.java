package io.eflow.edge.hub.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/** The two URI schemes an upstream endpoint is written in, and the forms Paho wants them in. */
final class Endpoints {
    private Endpoints() {
    }

    /**
     * The endpoint as the link reports it: {@code scheme://host:port}, the default port filled in, without user,
     * password or query.
     *
     * @throws IllegalArgumentException for another scheme, no host, a path, or TLS settings for a plain endpoint
     */
    static URI check(URI uri, Optional<SSLSocketFactory> tls) {
        String scheme = uri.getScheme();
        boolean secure = "mqtts".equals(scheme);
        if (!secure && !"mqtt".equals(scheme)) {
            throw new IllegalArgumentException("upstream endpoint must be mqtt://host:port or mqtts://host:port: " + shown(uri));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("upstream endpoint has no host: " + shown(uri));
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("an MQTT endpoint has no path: " + shown(uri));
        }
        if (!secure && (tls.isPresent() || uri.getRawQuery() != null)) {
            throw new IllegalArgumentException("TLS settings for a plain mqtt:// endpoint; use mqtts:// " + shown(uri));
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort() < 0 ? (secure ? 8883 : 1883) : uri.getPort(),
                    null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("upstream endpoint is malformed: " + e.getMessage());
        }
    }

    /** The {@code ca} of an {@code mqtts://…?ca=/path} URI; any other query is refused. */
    static Optional<String> caFile(URI uri) {
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        if (!query.startsWith("ca=") || query.contains("&") || query.length() == 3) {
            throw new IllegalArgumentException("the only option of an upstream URI is ?ca=/path/to/ca.pem: " + shown(uri));
        }
        return Optional.of(URLDecoder.decode(query.substring(3).replace("+", "%2B"), StandardCharsets.UTF_8));
    }

    /** Paho's spelling: {@code tcp://} and {@code ssl://}. */
    static String paho(URI endpoint) {
        return ("mqtts".equals(endpoint.getScheme()) ? "ssl://" : "tcp://") + endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** The URI without its password, for messages. */
    private static String shown(URI uri) {
        String text = uri.toString();
        String userInfo = uri.getRawUserInfo();
        return userInfo == null || !userInfo.contains(":") ? text
                : text.replace(userInfo + "@", userInfo.substring(0, userInfo.indexOf(':')) + ":***@");
    }
}
