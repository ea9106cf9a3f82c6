package io.eflow.image;

import java.security.PublicKey;
import java.util.HexFormat;

/** A short, stable name for a public key (first 8 bytes of the sha256 of its encoding), for messages and signatures. */
final class KeyId {
    private KeyId() {
    }

    static String of(PublicKey key) {
        byte[] digest = VerityHashTree.sha256().digest(key.getEncoded());
        return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    }
}
