package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * eflow's own files for the guest (the runtime jar, its libraries, the overlay tree), built by the
 * eflow-guest module as a tar and carried inside eflow-host as a classpath resource.
 */
record GuestPayload(byte[] tar, String sha256) {
    static final String RESOURCE = "/io/eflow/image/guest-payload.tar";

    static GuestPayload bundled() {
        try (InputStream in = GuestPayload.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw EflowException.failure("this eflow build has no guest payload (" + RESOURCE
                        + "): rebuild it from the project root with ./mvnw package", null);
            }
            return of(in.readAllBytes());
        } catch (IOException e) {
            throw EflowException.failure("cannot read the guest payload: " + e.getMessage(), e);
        }
    }

    static GuestPayload of(byte[] tar) {
        return new GuestPayload(tar, FileDigests.sha256(tar));
    }

    InputStream open() {
        return new ByteArrayInputStream(tar);
    }
}
