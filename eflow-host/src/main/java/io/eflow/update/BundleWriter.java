package io.eflow.update;

import io.eflow.contract.files.AtomicFile;
import io.eflow.image.FileDigests;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.image.ImageVerifier;
import io.eflow.image.ManifestSignature;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes an update bundle from a verified image: one uncompressed tar whose first entry is the signed bundle manifest,
 * so a reader can refuse a bundle before it reads a byte of the image. Headers are fixed (mtime = the image's created,
 * uid/gid 0, mode 0644), so the same image, version and key give the same bytes.
 */
public final class BundleWriter {
    private static final int MODE = 0100644;

    private BundleWriter() {
    }

    /** What was written, for the CLI. */
    public record Written(String version, String file, long size, String sha256, String keyId, String imageVersion) {
    }

    public static Written write(GuestImage image, Semver version, ReleaseKeys keys, Path out, Consumer<String> progress) {
        GuestImage verified = ImageVerifier.verify(image.dir(), TrustStore.ofKeys(keys.publicKey()));
        ImageManifest imageManifest = verified.manifest();
        byte[] manifestJson = FileTrees.read(verified.manifestFile());
        byte[] manifestSig = FileTrees.read(verified.signatureFile());

        List<ImageManifest.Part> parts = new ArrayList<>();
        parts.add(new ImageManifest.Part(GuestImage.MANIFEST, manifestJson.length, FileDigests.sha256(manifestJson)));
        parts.add(new ImageManifest.Part(GuestImage.SIGNATURE, manifestSig.length, FileDigests.sha256(manifestSig)));
        List<String> names = new ArrayList<>(BundleManifest.ROOT_PARTS.subList(2, BundleManifest.ROOT_PARTS.size()));
        if (verified.hasBootParts()) {
            names.addAll(BundleManifest.BOOT_PARTS);
        }
        for (String name : names) {
            parts.add(imageManifest.part(name).orElseThrow());
        }
        BundleManifest bundle = new BundleManifest(BundleManifest.FORMAT, version.toString(), imageManifest.arch(),
                imageManifest.version(), imageManifest.created(), parts);
        byte[] bundleJson = bundle.toJson();
        ManifestSignature signature = keys.sign(bundleJson);
        Instant mtime = mtime(imageManifest.created());

        Path target = out.toAbsolutePath();
        long size;
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + target.getParent() + ": " + e.getMessage(), e);
        }
        try (AtomicFile file = AtomicFile.create(target)) {
            OutputStream stream = Channels.newOutputStream(file.channel());
            // Not closed: closing would close the file's channel before commit forces it; finish() writes the end blocks.
            TarArchiveOutputStream tar = new TarArchiveOutputStream(stream);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            putBytes(tar, BundleManifest.FILE, bundleJson, mtime);
            putBytes(tar, BundleManifest.SIGNATURE_FILE, signature.toJson(), mtime);
            putBytes(tar, GuestImage.MANIFEST, manifestJson, mtime);
            putBytes(tar, GuestImage.SIGNATURE, manifestSig, mtime);
            for (String name : names) {
                progress.accept("adding " + name);
                putFile(tar, verified.part(name), imageManifest.part(name).orElseThrow(), mtime);
            }
            tar.finish();
            tar.flush();
            file.commit();
            size = Files.size(target);
        } catch (IOException e) {
            throw EflowException.failure("cannot write bundle " + target + ": " + e.getMessage(), e);
        }
        String digest = FileDigests.sha256(target);
        progress.accept("bundle " + version + " signed with release key " + keys.keyId());
        return new Written(version.toString(), target.toString(), size, digest, keys.keyId(), imageManifest.version());
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] content, Instant mtime) throws IOException {
        tar.putArchiveEntry(entry(name, content.length, mtime));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** Copies a part while digesting it: an image changed since it was verified must not ship. */
    private static void putFile(TarArchiveOutputStream tar, Path file, ImageManifest.Part part, Instant mtime) throws IOException {
        tar.putArchiveEntry(entry(part.name(), part.size(), mtime));
        MessageDigest sha = FileDigests.newSha256();
        long copied;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            copied = in.transferTo(tar);
        }
        if (copied != part.size() || !FileDigests.hex(sha).equals(part.sha256())) {
            throw EflowException.failure(part.name() + " changed since the image was verified: build or verify the image again", null);
        }
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size, Instant mtime) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(size);
        entry.setMode(MODE);
        entry.setModTime(mtime.toEpochMilli());
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
        return entry;
    }

    /** The image's reproducible timestamp; a manifest without a readable one gets the epoch, still fixed. */
    private static Instant mtime(String created) {
        try {
            return created == null ? Instant.EPOCH : Instant.parse(created);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
