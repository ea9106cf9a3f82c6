package io.eflow.update;

import io.eflow.image.ImageManifest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives a bundle's parts one by one from {@link VerifiedBundle#readParts}. A part's digest is checked only after
 * the sink returns, so a sink must write to temporary places only; the caller commits (renames into place) once
 * {@code readParts} has returned normally, and discards everything when it throws.
 */
@FunctionalInterface
public interface PartSink {
    /**
     * @param part    the signed name, size and sha256 of this part
     * @param content exactly the part's bytes; closing it does nothing; what is left unread is still digested
     */
    void accept(ImageManifest.Part part, InputStream content) throws IOException;
}
