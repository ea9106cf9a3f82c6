package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
        return derive(SigningKey.base64(deviceKeyBase64), moduleId);
    }

    /** The same with a key that may be held in the TPM, which then computes the HMAC. */
    public static String derive(SigningKey deviceKey, String moduleId) {
        return Base64.getEncoder().encodeToString(deviceKey.hmacSha256(("eflow-module/" + moduleId).getBytes(StandardCharsets.UTF_8)));
    }
}
