package io.eflow.channel;

import io.eflow.channel.GuestSession.StaleSessionException;
import io.eflow.platform.CountingInputStream;
import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * File copies over SFTP. Both directions write to a temporary name and rename at the end, so a reader never sees
 * half a file (an update bundle cut short must not look complete).
 */
final class SftpTransfer {
    static final String PARTIAL_SUFFIX = ".eflow-part";

    private SftpTransfer() {
    }

    /** {@code progress} hears the bytes sent as {@code step}. */
    static Void upload(ClientSession session, GuestEndpoint guest, Path local, String remote, Deadline deadline, Progress progress,
                       String step) throws StaleSessionException {
        if (!Files.isRegularFile(local)) {
            throw EflowException.notFound("cannot upload " + local + ": no such file");
        }
        String partial = remote + PARTIAL_SUFFIX;
        try (SftpClient sftp = open(session, guest, deadline)) {
            try (InputStream in = new CountingInputStream(Files.newInputStream(local), progress, step, Files.size(local));
                 OutputStream out = sftp.write(partial)) {
                in.transferTo(out);
            } catch (IOException e) {
                removeQuietly(sftp, partial);
                throw e;
            }
            replace(sftp, partial, remote);
        } catch (IOException e) {
            throw failure(guest, "upload " + local + " to " + remote, e);
        }
        return null;
    }

    static Void download(ClientSession session, GuestEndpoint guest, String remote, Path local, Deadline deadline)
            throws StaleSessionException {
        Path dir = local.toAbsolutePath().getParent();
        Path partial = null;
        try (SftpClient sftp = open(session, guest, deadline)) {
            Files.createDirectories(dir);
            partial = Files.createTempFile(dir, "." + local.getFileName(), PARTIAL_SUFFIX);
            try (InputStream in = sftp.read(remote)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING);
            }
            partial = null;
        } catch (IOException e) {
            throw failure(guest, "download " + remote + " to " + local, e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // the transfer error is the one to report
                }
            }
        }
        return null;
    }

    private static SftpClient open(ClientSession session, GuestEndpoint guest, Deadline deadline)
            throws StaleSessionException {
        return ChannelOpening.open(session, guest, deadline, () -> SftpClientFactory.instance().createSftpClient(session));
    }

    /** posix-rename@openssh.com replaces atomically; plain SFTP v3 rename refuses an existing target. */
    private static void replace(SftpClient sftp, String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        removeQuietly(sftp, to);
        sftp.rename(from, to);
    }

    private static void removeQuietly(SftpClient sftp, String path) {
        try {
            sftp.remove(path);
        } catch (IOException ignored) {
            // nothing there, or the session is gone; either way there is nothing more to clean
        }
    }

    private static EflowException failure(GuestEndpoint guest, String what, IOException e) {
        if (e instanceof SftpException sftp) {
            if (sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH) {
                return new EflowException(404, "cannot " + what + " in guest " + guest.name() + ": no such file or directory");
            }
            if (sftp.getStatus() == SftpConstants.SSH_FX_PERMISSION_DENIED) {
                return new EflowException(403, "cannot " + what + " in guest " + guest.name() + ": permission denied");
            }
        }
        if (e instanceof NoSuchFileException) {
            return new EflowException(404, "cannot " + what + ": " + e.getMessage() + " does not exist");
        }
        return EflowException.failure("cannot " + what + " in guest " + guest.name() + ": " + GuestErrors.describe(e), e);
    }
}
