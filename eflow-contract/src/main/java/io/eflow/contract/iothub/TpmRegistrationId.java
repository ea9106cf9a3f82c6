package io.eflow.contract.iothub;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The DPS registration id the device SDKs derive from a TPM's endorsement key (azure-iot-sdk-c
 * {@code prov_auth_client.c}, azure-iot-sdk-node {@code TpmSecurityClient.getRegistrationId}): SHA-256 of the EK's
 * marshalled {@code TPM2B_PUBLIC}, base32 (RFC 4648), lower case, without the padding. The host's
 * {@code eflow tpm-info} and the guest's DPS TPM registration both name the device by it.
 */
public final class TpmRegistrationId {
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    private TpmRegistrationId() {
    }

    public static String of(byte[] endorsementKey) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(endorsementKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : digest) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
