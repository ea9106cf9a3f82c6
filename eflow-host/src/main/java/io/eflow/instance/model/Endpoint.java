package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.util.List;

/**
 * A guest NIC on one of the host's networks (Add-EflowVmEndpoint), besides the host link every guest has. The guest
 * sees it as eth1, eth2… in the order added; the MAC is chosen at add and kept.
 *
 * @param name         the endpoint's name, by default its network's
 * @param network      the network it joins
 * @param bridge       that network's host bridge (a network cannot change or go while an endpoint uses it)
 * @param mac          its MAC address
 * @param ip           a static address, or null for DHCP
 * @param defaultRoute whether its gateway is the guest's default route, ahead of the host link's
 * @param dns          name servers set for it with {@code eflow dns set --endpoint}, in order; the guest asks them
 *                     before the host link's when this is the default route, after them otherwise
 */
public record Endpoint(String name, String network, String bridge, String mac, StaticAddress ip, boolean defaultRoute,
        List<String> dns) {
    /** The endpoint name the host link every guest has goes by (eth0), for firewall rules. */
    public static final String HOST_LINK = "default";
    /** Endpoint and network names: DNS-label-like, lower case, as short as an interface's altname allows. */
    public static final String NAME = "[a-z][a-z0-9-]{0,30}";

    public Endpoint {
        if (network == null || !network.matches(NAME)) {
            throw new InvalidValue("network", "must be a network's name, not '" + network + "'");
        }
        if (name == null || !name.matches(NAME)) {
            throw new InvalidValue("endpoint", "must be 1-31 lower-case letters, digits or '-', starting with a"
                    + " letter, not '" + name + "'");
        }
        if (defaultRoute && ip != null && ip.gateway() == null) {
            throw new InvalidValue("default-route", "needs a gateway for the endpoint's static address");
        }
        dns = dns == null ? List.of() : NameServers.check(dns);
    }

    public Endpoint(String name, String network, String bridge, String mac, StaticAddress ip, boolean defaultRoute) {
        this(name, network, bridge, mac, ip, defaultRoute, List.of());
    }

    public boolean dhcp() {
        return ip == null;
    }

    public Endpoint withIp(StaticAddress newIp) {
        return new Endpoint(name, network, bridge, mac, newIp, defaultRoute, dns);
    }

    public Endpoint withDns(List<String> servers) {
        return new Endpoint(name, network, bridge, mac, ip, defaultRoute, servers);
    }

    /**
     * A static address on an endpoint: the gateway may be left out (a network with no way out, or one that is not the
     * guest's way out).
     */
    public record StaticAddress(String address, int prefix, String gateway) {
        public StaticAddress {
            new StaticIp(address, prefix, gateway == null ? otherIn(address, prefix) : gateway);
        }

        /** An address of the same network other than {@code address}, to check an address and prefix without a gateway. */
        private static String otherIn(String address, int prefix) {
            int value = StaticIp.toInt(address);
            int other = value ^ 1;
            return ((other >>> 24) & 0xff) + "." + ((other >>> 16) & 0xff) + "." + ((other >>> 8) & 0xff) + "." + (other & 0xff);
        }

        public StaticIp asStaticIp() {
            return new StaticIp(address, prefix, gateway == null ? otherIn(address, prefix) : gateway);
        }

        @Override
        public String toString() {
            return address + "/" + prefix + (gateway == null ? "" : " via " + gateway);
        }
    }
}
