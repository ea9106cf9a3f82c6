package io.eflow.iothub.emulator.dps;

import io.eflow.contract.iothub.SasToken;
import io.eflow.iothub.emulator.auth.Tokens;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * DPS's service-side check: a SAS token for {@code {host}} signed with the {@code provisioningserviceowner} policy's
 * key ({@code skn=provisioningserviceowner}), as a DPS service connection string makes them.
 */
final class ServicePolicy {
    static final String OWNER_POLICY = "provisioningserviceowner";

    private final String hostName;
    private final String key;
    private final Clock clock;

    ServicePolicy(String hostName, String key, Clock clock) {
        this.hostName = hostName;
        this.key = key;
        this.clock = clock;
    }

    /** @throws DpsException 401 when the header proves nothing */
    void authorize(Optional<String> authorization) {
        SasToken token;
        try {
            token = Tokens.unexpired(authorization.orElseThrow(() -> DpsException.unauthorized("no Authorization header")),
                    clock.instant());
        } catch (IllegalArgumentException e) {
            throw DpsException.unauthorized(e.getMessage());
        }
        String resource = token.resource().toLowerCase(Locale.ROOT);
        String host = hostName.toLowerCase(Locale.ROOT);
        if (!token.keyName().orElse("").equals(OWNER_POLICY)
                || !(resource.equals(host) || resource.startsWith(host + "/")) || !token.signedWith(key)) {
            throw DpsException.unauthorized("the token is not the " + OWNER_POLICY + " policy's for " + hostName);
        }
    }

    String connectionString() {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + OWNER_POLICY + ";SharedAccessKey=" + key;
    }
}
