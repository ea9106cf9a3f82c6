package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The public keys whose image signatures this host accepts: its own release key (it built those images)
 * plus every {@code *.pub} an operator placed in {@link EflowPaths#trust()} (images built elsewhere).
 */
public final class TrustStore {
    private final List<TrustedKey> keys;

    /** One accepted key and where it came from, for messages. */
    public record TrustedKey(String id, PublicKey key, String source) {
        public TrustedKey(PublicKey key, String source) {
            this(KeyId.of(key), key, source);
        }
    }

    private TrustStore(List<TrustedKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public static TrustStore load(EflowPaths paths) {
        List<TrustedKey> keys = new ArrayList<>();
        Path releaseDir = paths.releaseKey();
        ReleaseKeys.readPublicKey(releaseDir).ifPresent(k ->
                keys.add(new TrustedKey(k, releaseDir.resolve(ReleaseKeys.PUBLIC_FILE).toString())));
        Path trustDir = paths.trust();
        if (Files.isDirectory(trustDir)) {
            // Sorted, so that messages and the order keys are tried in do not depend on the directory.
            TreeSet<Path> files = new TreeSet<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(trustDir, "*.pub")) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw EflowException.failure("cannot read trusted keys in " + trustDir + ": " + e.getMessage(), e);
            }
            for (Path file : files) {
                keys.add(new TrustedKey(ReleaseKeys.parsePublicKey(file), file.toString()));
            }
        }
        return new TrustStore(keys);
    }

    public static TrustStore of(List<TrustedKey> keys) {
        return new TrustStore(keys);
    }

    public static TrustStore ofKeys(PublicKey... keys) {
        List<TrustedKey> list = new ArrayList<>();
        for (PublicKey key : keys) {
            list.add(new TrustedKey(key, "given"));
        }
        return new TrustStore(list);
    }

    public List<TrustedKey> keys() {
        return keys;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The trusted key that made this signature over these bytes, if any. */
    public Optional<TrustedKey> signer(byte[] data, byte[] signature) {
        for (TrustedKey key : keys) {
            if (verifies(key.key(), data, signature)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /**
     * The trusted key that made {@code signature} over {@code data}, or a 403 naming {@code subject} ("image manifest",
     * "bundle"): the one place that decides whether signed bytes may be believed.
     */
    public TrustedKey requireSigner(String subject, byte[] data, ManifestSignature signature) {
        if (!ReleaseKeys.ALGORITHM.equals(signature.algorithm())) {
            throw new EflowException(403, subject + " is signed with " + signature.algorithm() + ": only Ed25519 is accepted");
        }
        if (keys.isEmpty()) {
            throw new EflowException(403, subject + " is not signed by a trusted key: no keys are trusted yet"
                    + " (build an image on this host, or add the publisher's .pub key to the trusted keys folder)");
        }
        return signer(data, signature.signatureBytes()).orElseThrow(() -> {
            String named = signature.keyId() == null ? "" : " (it names key " + signature.keyId() + ")";
            return new EflowException(403, subject + " is not signed by a trusted key" + named);
        });
    }

    private static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ReleaseKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A malformed signature (or a key of another type) is simply not a valid signature.
            return false;
        }
    }
}
