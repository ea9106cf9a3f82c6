package io.eflow.image;

import io.eflow.platform.EflowException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;

/** Single files of the guest payload, for the host to run what a guest runs (one script, one place). */
public final class GuestPayloadFiles {
    private GuestPayloadFiles() {
    }

    /** The file at {@code path} in the payload (as in the guest, without the leading slash). */
    public static byte[] read(String path) {
        try (InputStream in = GuestPayloadFiles.class.getResourceAsStream(GuestPayload.RESOURCE)) {
            if (in == null) {
                throw EflowException.failure("this eflow build has no guest payload (" + GuestPayload.RESOURCE + ")", null);
            }
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (name.equals(path) && entry.isFile()) {
                    return tar.readAllBytes();
                }
            }
            throw EflowException.failure("the guest payload has no " + path, null);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + path + " from the guest payload: " + e.getMessage(), e);
        }
    }
}
