package io.eflow.network;

import io.eflow.instance.model.StaticIp;
import io.eflow.platform.InvalidValue;

import java.util.Collection;

/** IPv4 subnets in CIDR form ("10.7.0.0/24"): parsing, canonical form and overlap. */
public final class Subnets {
    private Subnets() {
    }

    /** The subnet {@code text} names, in canonical form; host bits set are refused rather than guessed at. */
    public static String canonical(String field, String text, int minPrefix, int maxPrefix) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new InvalidValue(field, "must be an IPv4 subnet like 10.7.0.0/24, not '" + text + "'");
        }
        int prefix = prefix(text);
        if (prefix < minPrefix || prefix > maxPrefix) {
            throw new InvalidValue(field, "prefix must be between " + minPrefix + " and " + maxPrefix + ", not " + prefix);
        }
        int address = StaticIp.toInt(text.substring(0, text.indexOf('/')));
        if ((address & mask(prefix)) != address) {
            throw new InvalidValue(field, text + " has host bits set; the subnet is " + address(address & mask(prefix)) + "/" + prefix);
        }
        return text;
    }

    /** The first of {@code subnets} that shares an address with {@code subnet}, or null. */
    public static String overlapping(String subnet, Collection<String> subnets) {
        for (String other : subnets) {
            int mask = mask(Math.min(prefix(subnet), prefix(other)));
            if ((base(subnet) & mask) == (base(other) & mask)) {
                return other;
            }
        }
        return null;
    }

    static int base(String subnet) {
        return StaticIp.toInt(subnet.substring(0, subnet.indexOf('/'))) & mask(prefix(subnet));
    }

    static int prefix(String subnet) {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    static String address(int value) {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
