package io.eflow.daemon.api;

import io.eflow.platform.InvalidValue;

/**
 * How {@code eflow update apply} may proceed.
 *
 * @param allowSkip             accept a newer version that is not the next one in sequence
 * @param allowDowngrade        accept an older version
 * @param noRestart             stage the update: the trial happens at the next start
 * @param healthTimeoutSeconds  the trial boot must be healthy within this, from the guest's start
 * @param tries                 boots the trial slot gets before it counts as failed (a boot that dies uses one)
 * @param caCertificate         PEM certificate to trust when the bundle comes over HTTPS; null for the JDK's CAs
 */
public record UpdateOptions(boolean allowSkip, boolean allowDowngrade, boolean noRestart, Integer healthTimeoutSeconds,
                            Integer tries, String caCertificate) {
    public static final int DEFAULT_HEALTH_TIMEOUT = 300;
    public static final int DEFAULT_TRIES = 2;

    public UpdateOptions {
        healthTimeoutSeconds = healthTimeoutSeconds == null ? DEFAULT_HEALTH_TIMEOUT : healthTimeoutSeconds;
        tries = tries == null ? DEFAULT_TRIES : tries;
        if (healthTimeoutSeconds < 10 || healthTimeoutSeconds > 3600) {
            throw new InvalidValue("healthTimeoutSeconds", "must be 10..3600 seconds, not " + healthTimeoutSeconds);
        }
        if (tries < 1 || tries > 9) {
            throw new InvalidValue("tries", "must be 1..9, not " + tries);
        }
    }

    public static UpdateOptions defaults() {
        return new UpdateOptions(false, false, false, null, null, null);
    }
}
