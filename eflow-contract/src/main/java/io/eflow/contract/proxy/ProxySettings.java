package io.eflow.contract.proxy;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * An HTTP proxy for plain and for TLS traffic, and the hosts that bypass it, in the environment variables' sense
 * (http_proxy, https_proxy, no_proxy): TLS (HTTPS, MQTT over TLS) is tunnelled through the https proxy with CONNECT.
 *
 * @param http    the proxy for http:// URLs, as http://HOST:PORT, or null for none
 * @param https   the proxy for TLS, as http://HOST:PORT, or null for none
 * @param noProxy hosts that go direct: a name matches itself and its subdomains ({@code .example.com} or
 *                {@code example.com}), {@code *} matches every host; an address matches itself
 */
public record ProxySettings(String http, String https, List<String> noProxy) {
    /** Where the guest keeps the settings the host gives it. */
    public static final String GUEST_FILE = "/etc/eflow/proxy.conf";
    /** A VM gets the list on its kernel command line, which has room for about 2 KB in all. */
    static final int MAX_NO_PROXY = 32;

    public ProxySettings {
        http = http == null || http.isBlank() ? null : checkUrl("http", http.trim());
        https = https == null || https.isBlank() ? null : checkUrl("https", https.trim());
        List<String> hosts = new ArrayList<>();
        for (String host : noProxy == null ? List.<String>of() : noProxy) {
            String trimmed = host.trim().toLowerCase(Locale.ROOT);
            if (!trimmed.isEmpty()) {
                if (!trimmed.matches("\\*|\\.?[a-z0-9_.:\\[\\]-]+")) {
                    throw new IllegalArgumentException("no-proxy: '" + host + "' is not a host name, an address or *");
                }
                hosts.add(trimmed);
            }
        }
        if (hosts.size() > MAX_NO_PROXY || String.join(",", hosts).length() > 512) {
            throw new IllegalArgumentException("no-proxy: at most " + MAX_NO_PROXY + " hosts in 512 characters");
        }
        noProxy = List.copyOf(hosts);
    }

    public static ProxySettings none() {
        return new ProxySettings(null, null, List.of());
    }

    public boolean isEmpty() {
        return http == null && https == null;
    }

    /** A proxy URL: http://HOST:PORT (a proxy is spoken to in plain HTTP, also for the TLS it tunnels). */
    private static String checkUrl(String which, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(which + " proxy: '" + text + "' is not a URL");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException(which + " proxy must look like http://proxy.example.com:3128, not '" + text + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(which + " proxy: credentials in the URL are not supported; allow this device by address"
                    + " at the proxy");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/") || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(which + " proxy: '" + text + "' has a path; give http://HOST:PORT only");
        }
        return "http://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort();
    }

    /** The proxy for a connection to {@code host} over TLS ({@code tls}) or plain HTTP, or null to go direct. */
    public InetSocketAddress proxyFor(String host, boolean tls) {
        String url = tls ? https : http;
        if (url == null || bypasses(host)) {
            return null;
        }
        URI uri = URI.create(url);
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
    }

    private boolean bypasses(String host) {
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT);
        for (String entry : noProxy) {
            String suffix = entry.startsWith(".") ? entry.substring(1) : entry;
            if (entry.equals("*") || name.equals(suffix) || name.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }

    /** A selector for Java's HTTP client: https URLs through the https proxy, http ones through the http proxy. */
    public ProxySelector selector() {
        return selector(() -> this);
    }

    /** The same for settings that may change between requests: {@code current} is asked at each one. */
    public static ProxySelector selector(Supplier<ProxySettings> current) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                InetSocketAddress proxy = current.get().proxyFor(uri.getHost(), "https".equalsIgnoreCase(uri.getScheme())
                        || "wss".equalsIgnoreCase(uri.getScheme()));
                return List.of(proxy == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, proxy));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // the client reports the failure itself; there is no other proxy to try
            }
        };
    }

    /** " through the proxy HOST:PORT" when {@code selector} sends {@code uri} through one, else nothing: for error messages. */
    public static String through(ProxySelector selector, URI uri) {
        return selector.select(uri).stream().filter(p -> p.type() == Proxy.Type.HTTP).findFirst()
                .map(p -> " through the proxy " + ((InetSocketAddress) p.address()).getHostString() + ":"
                        + ((InetSocketAddress) p.address()).getPort())
                .orElse("");
    }

    /** The file's text: properties, one per line. */
    public String toFile() {
        StringBuilder text = new StringBuilder("# written by eflow proxy set; read by the guest runtime at each connection\n");
        if (http != null) {
            text.append("http_proxy=").append(http).append('\n');
        }
        if (https != null) {
            text.append("https_proxy=").append(https).append('\n');
        }
        if (!noProxy.isEmpty()) {
            text.append("no_proxy=").append(String.join(",", noProxy)).append('\n');
        }
        return text.toString();
    }

    /** Reads {@link #toFile()}'s text. */
    public static ProxySettings parse(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String noProxy = properties.getProperty("no_proxy", "");
        return new ProxySettings(properties.getProperty("http_proxy"), properties.getProperty("https_proxy"),
                noProxy.isBlank() ? List.of() : List.of(noProxy.split(",")));
    }
}
