package io.eflow.edge.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 content digests, the only kind the store keeps (it is what every registry serves). */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    /** The hex part of {@code sha256:<hex>}; anything else is refused before it can become a file name. */
    public static String hex(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new ImageException("'" + (digest == null ? null : ImageException.printable(digest))
                    + "' is not a sha256 digest (sha256: and 64 lowercase hex digits)");
        }
        return digest.substring("sha256:".length());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String of(byte[] content) {
        return format(sha256().digest(content));
    }

    static String format(byte[] sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256);
    }
}
