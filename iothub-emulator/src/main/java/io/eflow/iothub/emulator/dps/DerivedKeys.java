package io.eflow.iothub.emulator.dps;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A symmetric-key group enrollment's device keys: each device's key is base64(HMAC-SHA256(the base64-decoded group
 * key, its registration id)), so a device holds its own key and never the group's.
 */
public final class DerivedKeys {
    private DerivedKeys() {
    }

    /** @throws IllegalArgumentException when {@code groupKey} is not base64 */
    public static String derive(String groupKey, String registrationId) {
        return hmac(groupKey, registrationId);
    }

    /** base64(HMAC-SHA256(the base64-decoded key, the text)): a derived key, and a SAS signature of a raw resource. */
    static String hmac(String base64Key, String text) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the group key is not base64");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
