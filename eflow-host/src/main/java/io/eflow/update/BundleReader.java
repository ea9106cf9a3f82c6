package io.eflow.update;

import io.eflow.image.BaseRecipe;
import io.eflow.image.ManifestSignature;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens an update bundle and decides whether its header may be believed, reading nothing but its first two entries:
 * {@code bundle.json} signed by a trusted key in {@code bundle.sig}, a known format, this host's architecture, and
 * exactly the allowed parts in the allowed order. The parts are checked later, while they stream
 * ({@link VerifiedBundle#readParts}).
 */
public final class BundleReader {
    static final int MAX_MANIFEST = 64 * 1024;
    static final int MAX_SIGNATURE = 4 * 1024;

    private BundleReader() {
    }

    public static VerifiedBundle open(Path file, TrustStore trust) {
        Header header = readHeader(file);
        return verify(header.manifestJson(), header.signature(), trust, file, header.fileSize());
    }

    /** A bundle's first two entries as they are, not yet believed: for {@link #verify} and for a catalog. */
    public record Header(byte[] manifestJson, byte[] signature, long fileSize) {
    }

    /** Reads the header only; nothing is checked but that it is where a bundle has it. */
    public static Header readHeader(Path file) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(file))) {
            long size = Files.size(file);
            byte[] json = readEntry(tar, BundleManifest.FILE, MAX_MANIFEST, file);
            byte[] sig = readEntry(tar, BundleManifest.SIGNATURE_FILE, MAX_SIGNATURE, file);
            return new Header(json, sig, size);
        } catch (NoSuchFileException e) {
            throw EflowException.notFound("bundle " + file + " does not exist");
        } catch (IOException e) {
            throw EflowException.failure("cannot read bundle " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checks of {@link #open} on a header that arrived without its bundle (a catalog entry): signature, format,
     * architecture, parts. {@code file} names the bundle in messages and in the result.
     */
    public static VerifiedBundle verify(byte[] json, byte[] sig, TrustStore trust, Path file, long size) {
        TrustStore.TrustedKey signer = trust.requireSigner("bundle", json, ManifestSignature.parse(sig, BundleManifest.SIGNATURE_FILE));
        BundleManifest manifest = BundleManifest.parse(json);
        if (!BundleManifest.FORMAT.equals(manifest.format())) {
            throw new EflowException("bundle format " + manifest.format() + " is not known to this eflow (it reads "
                    + BundleManifest.FORMAT + "): update eflow first");
        }
        String hostArch = BaseRecipe.hostArch();
        if (!hostArch.equals(manifest.arch())) {
            throw new EflowException("bundle " + manifest.version() + " is for " + manifest.arch() + " guests, this host runs " + hostArch);
        }
        List<String> names = manifest.partNames();
        List<String> withBoot = new ArrayList<>(BundleManifest.ROOT_PARTS);
        withBoot.addAll(BundleManifest.BOOT_PARTS);
        if (!names.equals(BundleManifest.ROOT_PARTS) && !names.equals(withBoot)) {
            throw new EflowException("bundle lists parts " + String.join(", ", names) + ": expected "
                    + String.join(", ", withBoot) + " (the last two only with boot parts), in that order");
        }
        return new VerifiedBundle(manifest, json, sig, file, size, signer.id());
    }

    /** The next entry, which must be the regular file {@code name} of at most {@code max} bytes; its content. */
    static byte[] readEntry(TarArchiveInputStream tar, String name, int max, Path file) throws IOException {
        TarArchiveEntry entry = nextEntry(tar);
        if (entry == null || !entry.getName().equals(name) || !entry.isFile()) {
            String found = entry == null ? "nothing" : entry.getName();
            throw new EflowException(file.getFileName() + " is not an eflow bundle: " + name + " expected, found " + found);
        }
        if (entry.getSize() > max) {
            throw new EflowException(file.getFileName() + " is not an eflow bundle: " + name + " is larger than " + (max / 1024) + " KiB");
        }
        byte[] content = readFully(tar, (int) entry.getSize());
        if (content.length != entry.getSize()) {
            throw new EflowException("bundle is truncated: " + name + " ends after " + content.length + " of " + entry.getSize() + " bytes");
        }
        return content;
    }

    /** A header that cannot be parsed is a broken bundle, not an I/O failure of this host. */
    static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw new EflowException("bundle is not a readable tar archive (truncated or corrupt): " + e.getMessage());
        }
    }

    private static byte[] readFully(InputStream in, int size) {
        try {
            return in.readNBytes(size);
        } catch (IOException e) {
            throw new EflowException("bundle is truncated or corrupt: " + e.getMessage());
        }
    }
}
