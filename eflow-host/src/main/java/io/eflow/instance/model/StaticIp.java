package io.eflow.instance.model;

import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A static IPv4 configuration; like Deploy-Eflow's ip4Address/ip4PrefixLength/ip4GatewayAddress, all or none. */
public record StaticIp(String address, int prefix, String gateway) {

    public StaticIp {
        requireIpv4("ip", address);
        requireIpv4("gateway", gateway);
        if (prefix < 1 || prefix > 30) {
            throw new InvalidValue("prefix", "must be between 1 and 30, not " + prefix);
        }
        if (!sameNetwork(address, gateway, prefix)) {
            throw new InvalidValue("gateway", gateway + " is not in " + address + "/" + prefix);
        }
        if (address.equals(gateway)) {
            throw new InvalidValue(List.of("ip", "gateway"), "must differ");
        }
    }

    /** Builds from the three flags, or returns null when none is given; half a configuration is an error. */
    public static StaticIp of(String address, Integer prefix, String gateway) {
        int given = (address == null ? 0 : 1) + (prefix == null ? 0 : 1) + (gateway == null ? 0 : 1);
        if (given == 0) {
            return null;
        }
        if (given != 3) {
            throw new InvalidValue(List.of("ip", "prefix", "gateway"), "make a static address together: give all three or none");
        }
        return new StaticIp(address, prefix, gateway);
    }

    public static int toInt(String ipv4) {
        byte[] bytes = parse(ipv4).getAddress();
        return ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    }

    private static boolean sameNetwork(String a, String b, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(a) & mask) == (toInt(b) & mask);
    }

    static void requireIpv4(String field, String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new InvalidValue(field, "must be an IPv4 address like 192.168.1.10, not '" + text + "'");
        }
        parse(text);
    }

    private static Inet4Address parse(String text) {
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address instanceof Inet4Address v4) {
                return v4;
            }
        } catch (UnknownHostException e) {
            // fall through to the clear message below
        }
        throw new EflowException("'" + text + "' is not an IPv4 address");
    }
}
