package io.eflow.iothub.emulator.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * An identity's authentication as IoT Hub stores it: symmetric keys for {@link AuthType#SAS}, certificate thumbprints
 * (hex, upper case) for {@link AuthType#SELF_SIGNED}; both slots so keys can be rolled without downtime.
 */
public record Credentials(AuthType type, Optional<String> primaryKey, Optional<String> secondaryKey,
                          Optional<String> primaryThumbprint, Optional<String> secondaryThumbprint) {
    public Credentials {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        Objects.requireNonNull(primaryThumbprint, "primaryThumbprint");
        Objects.requireNonNull(secondaryThumbprint, "secondaryThumbprint");
    }

    public static Credentials sas(String primaryKey, String secondaryKey) {
        return new Credentials(AuthType.SAS, Optional.of(primaryKey), Optional.of(secondaryKey), Optional.empty(), Optional.empty());
    }

    /** Whether {@code thumbprint} (hex, any case) is one of the registered ones. */
    public boolean hasThumbprint(String thumbprint) {
        return primaryThumbprint.filter(thumbprint::equalsIgnoreCase).isPresent()
                || secondaryThumbprint.filter(thumbprint::equalsIgnoreCase).isPresent();
    }
}
