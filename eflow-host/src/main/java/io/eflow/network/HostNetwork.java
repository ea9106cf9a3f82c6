package io.eflow.network;

import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.InvalidValue;

/**
 * A network the host offers guests' endpoints (Add-EflowNetwork).
 *
 * @param name   the user's name for it
 * @param type   nat, bridge or internal
 * @param subnet for nat and internal, eflow's subnet (the host holds its first address, eflow's DHCP serves the upper
 *               half); null for a bridge, whose addresses belong to the plant network
 * @param uplink for a bridge, the host interface or existing bridge it joins; null otherwise
 * @param bridge the host bridge endpoints attach to: eflow's own, or the existing bridge the user named
 */
public record HostNetwork(String name, NetworkType type, String subnet, String uplink, String bridge) {

    public HostNetwork {
        requireName(name);
        if (type.eflowSubnet() == (subnet == null)) {
            throw new IllegalArgumentException("a " + type + " network " + (subnet == null ? "needs" : "has no") + " subnet");
        }
    }

    public static String requireName(String name) {
        if (name == null || !name.matches(Endpoint.NAME)) {
            throw new InvalidValue("network", "must be 1-31 lower-case letters, digits or '-', starting with a letter, not '"
                    + name + "'");
        }
        return name;
    }

    /** The host's address on an eflow subnet: the gateway of its NAT and its DHCP server. */
    public String hostAddress() {
        return Subnets.address(Subnets.base(subnet) + 1);
    }

    public int prefix() {
        return Subnets.prefix(subnet);
    }

    /** First and last address eflow's DHCP hands out: the upper half, leaving the lower half for static addresses. */
    public String[] dhcpRange() {
        int base = Subnets.base(subnet);
        int size = 1 << (32 - prefix());
        return new String[] {Subnets.address(base + size / 2), Subnets.address(base + size - 2)};
    }

    /** How endpoints get addresses here, as {@code network list} shows it. */
    public String allocation() {
        return type.eflowSubnet() ? "static, or DHCP from eflow (" + String.join("-", dhcpRange()) + ")"
                : "static, or DHCP from the network (" + uplink + ")";
    }

    /** Whether {@code address} can be a guest's static address here: inside the subnet, not its first, net or broadcast. */
    public void requireGuestAddress(StaticIp ip) {
        if (!type.eflowSubnet()) {
            return;
        }
        if (ip.prefix() != prefix() || (StaticIp.toInt(ip.address()) & Subnets.mask(prefix())) != Subnets.base(subnet)) {
            throw new InvalidValue("ip", ip.address() + "/" + ip.prefix() + " is not in network " + name + "'s " + subnet);
        }
        int host = StaticIp.toInt(ip.address()) - Subnets.base(subnet);
        if (host <= 1 || host == (1 << (32 - prefix())) - 1) {
            throw new InvalidValue("ip", ip.address() + " is the network's own address, its host's or its broadcast");
        }
        if (host >= (1 << (32 - prefix())) / 2) {
            throw new InvalidValue("ip", ip.address() + " is in eflow's DHCP range " + String.join("-", dhcpRange())
                    + "; static addresses go below it");
        }
    }
}
