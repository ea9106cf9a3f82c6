package io.eflow.channel;

import io.eflow.contract.files.AtomicFile;
import io.eflow.platform.EflowException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Map;

/** OpenSSH encodings of keys and the files that hold them, written the way OpenSSH expects (private keys 0600). */
final class SshKeys {
    static final String PRIVATE_KEY_MODE = "rw-------";
    static final String PUBLIC_KEY_MODE = "rw-r--r--";

    private SshKeys() {
    }

    static KeyPair newEd25519() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw EflowException.failure("cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** One {@code authorized_keys}-style line: type, base64 blob and, when given, a comment. */
    static String publicKeyLine(PublicKey key, String comment) {
        String line = PublicKeyEntry.toString(key);
        return comment == null || comment.isBlank() ? line : line + " " + comment;
    }

    static PublicKey parsePublicKeyLine(String line, String source) {
        try {
            PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(line.strip());
            PublicKey key = entry == null ? null : entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw new EflowException(500, source + " holds no OpenSSH public key");
            }
            return key;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw EflowException.failure(source + " is not an OpenSSH public key: " + e.getMessage(), e);
        }
    }

    static PublicKey readPublicKey(Path file) {
        String line;
        try {
            line = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElseThrow(() -> new EflowException(500, file + " holds no OpenSSH public key"));
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parsePublicKeyLine(line, file.toString());
    }

    static KeyPair readPrivateKey(Path file) {
        try {
            Collection<KeyPair> pairs = OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, file, null);
            if (pairs == null || pairs.size() != 1) {
                throw new EflowException(500, file + " does not hold exactly one OpenSSH private key");
            }
            return pairs.iterator().next();
        } catch (IOException | GeneralSecurityException e) {
            throw EflowException.failure("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
    }

    /** The unencrypted "OPENSSH PRIVATE KEY" format that both sshd (HostKey) and ssh (-i) read. */
    static byte[] encodePrivateKey(KeyPair pair, String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw EflowException.failure("cannot encode a private key: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    static void writePrivateKey(Path file, KeyPair pair, String comment) {
        writeAtomically(file, encodePrivateKey(pair, comment), PRIVATE_KEY_MODE);
    }

    static void writePublicLine(Path file, String line) {
        writeAtomically(file, (line + "\n").getBytes(StandardCharsets.UTF_8), PUBLIC_KEY_MODE);
    }

    /**
     * Writes through a temporary file created with its final mode, synced, then renames and syncs the folder: a crash
     * (of eflow or of the host) never leaves a half-written key or loses one a later step relies on, and a private key
     * is never readable by others even for a moment.
     */
    static void writeAtomically(Path file, byte[] content, String mode) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            Files.write(tmp, content);
            // the umask may have narrowed the mode, and a public key must stay readable by sshd
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            AtomicFile.syncDirectory(dir);
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /** Deletes {@code file} if it is there, and syncs its folder so the deletion holds across a crash. */
    static void delete(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFile.syncDirectory(file.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
