package io.eflow.contract.proxy;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {

    @Test
    void tlsGoesThroughTheHttpsProxyPlainHttpThroughTheHttpOneAndNoProxyHostsDirect() {
        ProxySettings settings = new ProxySettings("http://plain.example:3128", "http://Tls.Example:3129/", List.of(".corp.example", "10.1.2.3"));
        assertThat(settings.https()).isEqualTo("http://tls.example:3129");
        assertThat(settings.proxyFor("hub.azure-devices.net", true)).isEqualTo(InetSocketAddress.createUnresolved("tls.example", 3129));
        assertThat(settings.proxyFor("registry.example", false)).isEqualTo(InetSocketAddress.createUnresolved("plain.example", 3128));
        assertThat(settings.proxyFor("corp.example", true)).isNull();
        assertThat(settings.proxyFor("acr.corp.example", true)).isNull();
        assertThat(settings.proxyFor("notcorp.example", true)).isNotNull();
        assertThat(settings.proxyFor("10.1.2.3", false)).isNull();
        assertThat(settings.selector().select(URI.create("https://hub.azure-devices.net/devices")))
                .containsExactly(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("tls.example", 3129)));
        assertThat(settings.selector().select(URI.create("https://x.corp.example/"))).containsExactly(Proxy.NO_PROXY);
        assertThat(new ProxySettings(null, "http://p:1", List.of("*")).proxyFor("anything", true)).isNull();
        assertThat(ProxySettings.none().proxyFor("anything", true)).isNull();
    }

    @Test
    void theGuestFileRoundTrips() {
        ProxySettings settings = new ProxySettings("http://p:3128", "http://p:3129", List.of("localhost", ".corp.example"));
        assertThat(ProxySettings.parse(settings.toFile())).isEqualTo(settings);
        assertThat(ProxySettings.parse(ProxySettings.none().toFile())).isEqualTo(ProxySettings.none());
    }

    @Test
    void badUrlsAndHostsAreRefusedInOneLine() {
        for (String bad : List.of("https://p:3128", "p:3128", "http://p", "http://user:pw@p:3128", "http://p:3128/path", "ftp://p:21")) {
            assertThatThrownBy(() -> new ProxySettings(bad, null, List.of())).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("http proxy");
        }
        assertThatThrownBy(() -> new ProxySettings(null, null, List.of("a b"))).hasMessageStartingWith("no-proxy: 'a b'");
        List<String> many = IntStream.range(0, 33).mapToObj(i -> "h" + i + ".example").toList();
        assertThatThrownBy(() -> new ProxySettings(null, "http://p:1", many)).hasMessageContaining("at most 32 hosts");
    }
}
