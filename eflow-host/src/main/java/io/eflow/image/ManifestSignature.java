package io.eflow.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.eflow.platform.EflowException;

import java.util.Base64;

/**
 * {@code manifest.sig}: an Ed25519 signature over the exact bytes of {@code manifest.json}. The key id only
 * helps messages ("signed by sha256:… which is not trusted"); trust comes from verifying against each
 * trusted key, never from the id.
 */
@JsonPropertyOrder({"algorithm", "keyId", "signature"})
public record ManifestSignature(String algorithm, String keyId, String signature) {
    public byte[] signatureBytes() {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new EflowException("signature is not valid: it is not base64");
        }
    }

    public byte[] toJson() {
        return SignedJson.write(this);
    }

    public static ManifestSignature parse(byte[] json) {
        return parse(json, GuestImage.SIGNATURE);
    }

    /** As {@link #parse(byte[])}, for a signature file of another name (a bundle's {@code bundle.sig}). */
    public static ManifestSignature parse(byte[] json, String file) {
        ManifestSignature sig = SignedJson.read(json, ManifestSignature.class, file);
        if (sig.signature() == null || sig.algorithm() == null) {
            throw new EflowException(file + " is not valid: algorithm and signature are required");
        }
        return sig;
    }
}
