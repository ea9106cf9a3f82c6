package io.eflow.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code manifest.sig}: an Ed25519 signature over the exact bytes of {@code manifest.json}. The key id only
 * helps messages ("signed by sha256:… which is not trusted"); trust comes from verifying against each
 * trusted key, never from the id.
 */
@JsonPropertyOrder({"algorithm", "keyId", "signature"})
public record ManifestSignature(String algorithm, String keyId, String signature) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public byte[] signatureBytes() {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new EflowException("manifest.sig is not valid: the signature is not base64");
        }
    }

    public byte[] toJson() {
        try {
            return (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write manifest signature", e);
        }
    }

    public static ManifestSignature parse(byte[] json) {
        try {
            ManifestSignature sig = JSON.readValue(json, ManifestSignature.class);
            if (sig.signature() == null || sig.algorithm() == null) {
                throw new EflowException("manifest.sig is not valid: algorithm and signature are required");
            }
            return sig;
        } catch (JsonProcessingException e) {
            throw new EflowException("manifest.sig is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EflowException("manifest.sig is not readable: " + e.getMessage());
        }
    }
}
