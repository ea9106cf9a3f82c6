package io.eflow.instance;

import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.StaticIp;
import io.eflow.network.Subnets;
import io.eflow.platform.EflowException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives each guest its own /24 for the host link (172.30.N.0/24: the host is .1, the guest .2) unless the user
 * chose a static address, and a random locally administered MAC.
 */
final class NetworkAllocator {
    static final String POOL_PREFIX = "172.30.";
    private final SecureRandom random = new SecureRandom();

    /**
     * @param existing     this install's instances
     * @param hostSubnets  networks the host already routes (other installs' guests, the host's own LANs)
     */
    NetworkConfig allocate(StaticIp requested, List<InstanceConfig> existing, Set<String> hostSubnets) {
        Set<String> subnetsInUse = existing.stream().map(c -> c.network().subnet()).collect(Collectors.toSet());
        if (requested != null) {
            NetworkConfig chosen = new NetworkConfig(requested.address(), requested.prefix(), requested.gateway(), mac(), true);
            requireFree(chosen, subnetsInUse, hostSubnets);
            return chosen;
        }
        for (int n = 0; n < 256; n++) {
            NetworkConfig candidate = new NetworkConfig(POOL_PREFIX + n + ".2", 24, POOL_PREFIX + n + ".1", mac(), false);
            if (overlapping(candidate.subnet(), subnetsInUse) == null && overlapping(candidate.subnet(), hostSubnets) == null) {
                return candidate;
            }
        }
        throw EflowException.conflict("no free guest subnet left in " + POOL_PREFIX + "0.0/16; remove an instance or give a static address");
    }

    /**
     * Set-EflowVM's static address after deploy: {@code current} moved to {@code requested}, keeping its MAC and name
     * servers, checked as deploy checks a static address against everyone else's subnets.
     *
     * @param others      the other instances of this install
     * @param hostSubnets networks the host routes now, which include this guest's own link while it runs
     */
    NetworkConfig readdress(NetworkConfig current, StaticIp requested, List<InstanceConfig> others, Set<String> hostSubnets) {
        NetworkConfig moved = new NetworkConfig(requested.address(), requested.prefix(), requested.gateway(), current.mac(), true,
                current.dns(), current.proxy());
        Set<String> routed = hostSubnets.stream().filter(subnet -> !subnet.equals(current.subnet())).collect(Collectors.toSet());
        requireFree(moved, others.stream().map(c -> c.network().subnet()).collect(Collectors.toSet()), routed);
        return moved;
    }

    private static void requireFree(NetworkConfig chosen, Set<String> subnetsInUse, Set<String> hostSubnets) {
        String clash = overlapping(chosen.subnet(), subnetsInUse);
        if (clash != null) {
            throw EflowException.conflict("subnet " + chosen.subnet() + " overlaps " + clash + ", another instance's; choose another"
                    + " address");
        }
        clash = overlapping(chosen.subnet(), hostSubnets);
        if (clash != null) {
            throw EflowException.conflict("subnet " + chosen.subnet() + " overlaps " + clash + ", which this host already routes;"
                    + " choose another address");
        }
    }

    /** The first of {@code subnets} that shares an address with {@code subnet}, or null. */
    static String overlapping(String subnet, Set<String> subnets) {
        return Subnets.overlapping(subnet, subnets);
    }

    /** A unicast, locally administered MAC (second bit of the first byte set). */
    String mac() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        bytes[0] = (byte) ((bytes[0] & 0xfc) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
