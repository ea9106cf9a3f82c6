package io.eflow.network;

import io.eflow.platform.InvalidValue;

import java.util.Locale;

/**
 * The kinds of network a guest's endpoint can join, as the original's virtual switches: NAT (an Internal switch with
 * NAT out), BRIDGE (an External switch: the plant network through a host interface) and INTERNAL (host and guests only).
 */
public enum NetworkType {
    NAT, BRIDGE, INTERNAL;

    public static NetworkType parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidValue("type", "must be nat, bridge or internal, not '" + text + "'");
        }
    }

    /** Whether eflow owns the subnet, the host's address on it and its DHCP server. */
    public boolean eflowSubnet() {
        return this != BRIDGE;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
