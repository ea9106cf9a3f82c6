package io.eflow.contract.iothub;

import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's symmetric key as what it does: HMAC-SHA256. The key is either in memory (from a connection string or a
 * DPS symmetric-key enrollment) or held by a TPM that computes the HMAC and never lets the key out (DPS TPM
 * attestation imports it there), so everything that signs SAS tokens or derives keys takes this, not the bytes.
 */
@FunctionalInterface
public interface SigningKey {
    byte[] hmacSha256(byte[] data);

    /**
     * A key given in base64, as IoT Hub and DPS show them.
     *
     * @throws IllegalArgumentException when it is not base64 or is empty
     */
    static SigningKey base64(String key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not base64");
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the key is empty");
        }
        SecretKeySpec spec = new SecretKeySpec(bytes, "HmacSHA256");
        return data -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
            }
        };
    }
}
