package io.eflow.iothub.emulator.auth;

import io.eflow.contract.iothub.SasToken;

import java.time.Instant;

/** A SAS token as every check here reads it first, IoT Hub's and DPS's alike: well formed and not expired. */
public final class Tokens {
    private Tokens() {
    }

    /** @throws IllegalArgumentException naming what is wrong with it, for the log */
    public static SasToken unexpired(String text, Instant now) {
        SasToken token = SasToken.parse(text);
        if (token.expiredAt(now)) {
            throw new IllegalArgumentException("the token expired at " + token.expiry());
        }
        return token;
    }
}
