package io.eflow.instance.model;

import io.eflow.contract.proxy.ProxySettings;

import java.util.List;

/**
 * The guest's network: its address, the host-side gateway, and a MAC generated at deploy and kept for life
 * (as the original keeps its random MAC across reboots).
 *
 * @param address     guest IPv4 address
 * @param prefix      prefix length
 * @param gateway     the host side of the link, the guest's default route
 * @param mac         guest MAC address
 * @param staticAddress whether the user chose the address with --ip/--prefix/--gateway
 * @param dns         name servers the user chose with {@code eflow dns set}; empty: the ones deploy chose
 * @param proxy       the proxy the guest's outbound HTTP and MQTT go through ({@code eflow proxy set}), or none
 */
public record NetworkConfig(String address, int prefix, String gateway, String mac, boolean staticAddress, List<String> dns,
                            ProxySettings proxy) {

    public NetworkConfig {
        dns = dns == null ? List.of() : List.copyOf(dns);
        proxy = proxy == null ? ProxySettings.none() : proxy;
    }

    /** With the name servers deploy chose. */
    public NetworkConfig(String address, int prefix, String gateway, String mac, boolean staticAddress) {
        this(address, prefix, gateway, mac, staticAddress, List.of(), null);
    }

    public NetworkConfig withDns(List<String> servers) {
        return new NetworkConfig(address, prefix, gateway, mac, staticAddress, NameServers.check(servers), proxy);
    }

    public NetworkConfig withProxy(ProxySettings settings) {
        return new NetworkConfig(address, prefix, gateway, mac, staticAddress, dns, settings);
    }

    public String subnet() {
        int mask = -1 << (32 - prefix);
        int network = StaticIp.toInt(address) & mask;
        return ((network >>> 24) & 0xff) + "." + ((network >>> 16) & 0xff) + "." + ((network >>> 8) & 0xff) + "." + (network & 0xff)
                + "/" + prefix;
    }
}
