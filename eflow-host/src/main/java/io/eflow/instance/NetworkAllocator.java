package io.eflow.instance;

import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.StaticIp;
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
            if (subnetsInUse.contains(chosen.subnet())) {
                throw EflowException.conflict("subnet " + chosen.subnet() + " is already used by another instance; choose another address");
            }
            if (hostSubnets.contains(chosen.subnet())) {
                throw EflowException.conflict("subnet " + chosen.subnet() + " is already routed on this host; choose another address");
            }
            return chosen;
        }
        for (int n = 0; n < 256; n++) {
            NetworkConfig candidate = new NetworkConfig(POOL_PREFIX + n + ".2", 24, POOL_PREFIX + n + ".1", mac(), false);
            if (!subnetsInUse.contains(candidate.subnet()) && !hostSubnets.contains(candidate.subnet())) {
                return candidate;
            }
        }
        throw EflowException.conflict("no free guest subnet left in " + POOL_PREFIX + "0.0/16; remove an instance or give a static address");
    }

    /** A unicast, locally administered MAC (second bit of the first byte set). */
    String mac() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        bytes[0] = (byte) ((bytes[0] & 0xfc) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
