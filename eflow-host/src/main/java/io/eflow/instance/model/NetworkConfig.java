package io.eflow.instance.model;

/**
 * The guest's network: its address, the host-side gateway, and a MAC generated at deploy and kept for life
 * (as the original keeps its random MAC across reboots).
 *
 * @param address     guest IPv4 address
 * @param prefix      prefix length
 * @param gateway     the host side of the link, the guest's default route
 * @param mac         guest MAC address
 * @param staticAddress whether the user chose the address with --ip/--prefix/--gateway
 */
public record NetworkConfig(String address, int prefix, String gateway, String mac, boolean staticAddress) {

    public String subnet() {
        int mask = -1 << (32 - prefix);
        int network = StaticIp.toInt(address) & mask;
        return ((network >>> 24) & 0xff) + "." + ((network >>> 16) & 0xff) + "." + ((network >>> 8) & 0xff) + "." + (network & 0xff)
                + "/" + prefix;
    }
}
