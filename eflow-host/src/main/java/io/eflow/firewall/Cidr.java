package io.eflow.firewall;

import io.eflow.platform.EflowException;

/** IPv4 CIDR notation, checked and normalised (host bits cleared), so nftables never sees text it would refuse. */
final class Cidr {
    private Cidr() {
    }

    static String canonical(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length > 2 || !parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new EflowException("firewall source must be an IPv4 address or CIDR like 10.0.0.0/8, not '" + text + "'");
        }
        int address = 0;
        for (String octet : parts[0].split("\\.")) {
            int value = Integer.parseInt(octet);
            if (value > 255) {
                throw new EflowException("firewall source must be an IPv4 address or CIDR like 10.0.0.0/8, not '" + text + "'");
            }
            address = (address << 8) | value;
        }
        int prefix = 32;
        if (parts.length == 2) {
            if (!parts[1].matches("\\d{1,2}") || Integer.parseInt(parts[1]) > 32) {
                throw new EflowException("firewall source prefix must be 0-32, not '" + parts[1] + "'");
            }
            prefix = Integer.parseInt(parts[1]);
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int network = address & mask;
        return ((network >>> 24) & 0xff) + "." + ((network >>> 16) & 0xff) + "." + ((network >>> 8) & 0xff) + "." + (network & 0xff)
                + "/" + prefix;
    }
}
