package io.eflow.edge.cloud;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of the device's module identities, derived from the device's key: the same module always gets the same
 * key, so nothing more than the provisioning is kept, a restart or a re-provisioning with the same device needs no
 * extra state, and a new device key changes every module's key with it.
 */
public final class ModuleKeys {
    private ModuleKeys() {
    }

    /** base64(HMAC-SHA256(device key, "eflow-module/" + module)), a 32-byte key as IoT Hub's are. */
    public static String derive(String deviceKeyBase64, String moduleId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(deviceKeyBase64), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(("eflow-module/" + moduleId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
