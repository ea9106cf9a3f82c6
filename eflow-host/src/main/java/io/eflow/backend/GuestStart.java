package io.eflow.backend;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The frame every backend's start shares: the run and log folders, the root-only folder of the host-only channel,
 * then the backend's own steps — and on any failure the backend's cleanup, so a failed start leaves nothing.
 */
public final class GuestStart {
    private GuestStart() {
    }

    /** A backend's start steps; may fail with an I/O error or an {@link EflowException}. */
    public interface Steps {
        void run() throws IOException;
    }

    public static void run(InstanceLayout layout, Runnable cleanup, Steps steps) {
        try {
            Files.createDirectories(layout.run());
            Files.createDirectories(layout.log());
            Path channel = layout.sshSocket().getParent();
            Files.createDirectories(channel);
            Files.setPosixFilePermissions(channel, PosixFilePermissions.fromString("rwx------"));
            steps.run();
        } catch (IOException e) {
            cleanup.run();
            throw EflowException.failure("cannot start the guest: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cleanup.run();
            throw e;
        }
    }
}
