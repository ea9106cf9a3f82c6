package io.eflow.update;

import io.eflow.image.FileDigests;
import io.eflow.image.ImageManifest;
import io.eflow.platform.EflowException;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A bundle whose header {@link BundleReader} has checked: {@code bundle.json} signed by a trusted key, for this
 * host's architecture, listing the allowed parts. The parts themselves are checked as {@link #readParts} streams them.
 *
 * @param manifest     the parsed bundle.json
 * @param manifestJson its exact, signed bytes
 * @param signature    bundle.sig's bytes
 * @param file         the bundle file
 * @param fileSize     its size when it was opened
 * @param keyId        the id of the trusted key that signed it
 */
public record VerifiedBundle(BundleManifest manifest, byte[] manifestJson, byte[] signature, Path file, long fileSize,
                             String keyId) {

    public Semver version() {
        return manifest.semver();
    }

    /**
     * Streams every part, in order, to {@code sink}, and after each one compares its sha256 with the signed one. Missing,
     * extra, reordered, resized or truncated entries are refused, as is a header that changed since {@link BundleReader#open}.
     * The sink must write only to temporary places: a part is known good only once the sink has returned and its
     * digest compared, and the bundle as a whole only once this method returns normally.
     */
    public void readParts(PartSink sink) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(file))) {
            // The header is read again and must be the very bytes that were verified: the file may have changed since.
            byte[] json = BundleReader.readEntry(tar, BundleManifest.FILE, BundleReader.MAX_MANIFEST, file);
            byte[] sig = BundleReader.readEntry(tar, BundleManifest.SIGNATURE_FILE, BundleReader.MAX_SIGNATURE, file);
            if (!Arrays.equals(json, manifestJson) || !Arrays.equals(sig, signature)) {
                throw new EflowException(file.getFileName() + " changed since it was verified: open it again");
            }
            for (ImageManifest.Part part : manifest.parts()) {
                readPart(tar, part, sink);
            }
            var extra = tar.getNextEntry();
            if (extra != null) {
                throw new EflowException("bundle has an entry after its last part (" + extra.getName() + "): the bundle is corrupt or tampered");
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot read bundle " + file + ": " + e.getMessage(), e);
        }
    }

    private void readPart(TarArchiveInputStream tar, ImageManifest.Part part, PartSink sink) throws IOException {
        var entry = BundleReader.nextEntry(tar);
        if (entry == null) {
            throw new EflowException("bundle is truncated: part " + part.name() + " is missing");
        }
        if (!entry.getName().equals(part.name()) || !entry.isFile()) {
            throw new EflowException("bundle entry " + entry.getName() + " is not the part its manifest lists next ("
                    + part.name() + "): the bundle is corrupt or tampered");
        }
        if (entry.getSize() != part.size()) {
            throw new EflowException("bundle part " + part.name() + " has " + entry.getSize() + " bytes, its manifest says "
                    + part.size() + ": the bundle is corrupt or tampered");
        }
        PartStream content = new PartStream(tar, part);
        sink.accept(part, content);
        content.transferTo(OutputStream.nullOutputStream());
        if (!FileDigests.hex(content.sha).equals(part.sha256())) {
            throw new EflowException("bundle part " + part.name() + " does not match its signed sha256: the bundle is corrupt or tampered");
        }
    }

    /** One part: exactly its bytes, digested as they pass; a short part is an error, not an end. */
    private static final class PartStream extends InputStream {
        private final InputStream in;
        private final ImageManifest.Part part;
        private final MessageDigest sha = FileDigests.newSha256();
        private long remaining;

        PartStream(InputStream in, ImageManifest.Part part) {
            this.in = in;
            this.part = part;
            this.remaining = part.size();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n;
            try {
                n = in.read(buffer, offset, (int) Math.min(length, remaining));
            } catch (IOException e) {
                throw truncated(e);
            }
            if (n < 0) {
                throw truncated(null);
            }
            sha.update(buffer, offset, n);
            remaining -= n;
            return n;
        }

        private EflowException truncated(IOException cause) {
            return new EflowException(400, "bundle is truncated: part " + part.name() + " ends after "
                    + (part.size() - remaining) + " of " + part.size() + " bytes", cause);
        }

        @Override
        public void close() {
            // the tar stream belongs to readParts
        }
    }
}
