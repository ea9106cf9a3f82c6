package io.eflow.backend.qemu;

import io.eflow.instance.model.GuestUser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.function.Consumer;

/**
 * A shared folder as QEMU's 9p server shows it with {@code security_model=mapped-xattr}: the owner a guest sees is the
 * one in the {@code user.virtfs.uid} and {@code user.virtfs.gid} attributes when a file has them, else the host's.
 * Setting them on the folder itself makes it iotedge-user's in the guest, also when it is read-only there (where the
 * guest could not chown it), and leaves the host's owner and mode as they are.
 */
final class NinePShare {
    private NinePShare() {
    }

    static void ownedByTheGuestUser(Path folder, Consumer<String> progress) {
        UserDefinedFileAttributeView attributes = Files.getFileAttributeView(folder, UserDefinedFileAttributeView.class);
        if (attributes == null) {
            progress.accept("warning: " + folder + " takes no extended attributes: the guest sees its host owner");
            return;
        }
        try {
            // QEMU writes them as the host's uid_t and gid_t: 32 bits in native (here little-endian) order
            attributes.write("virtfs.uid", ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, GuestUser.UID));
            attributes.write("virtfs.gid", ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, GuestUser.GID));
        } catch (IOException e) {
            // a file system without user attributes still shares; the guest then sees the host's owner
            progress.accept("warning: " + folder + " takes no extended attributes (" + e.getMessage() + "): the guest sees its host owner");
        }
    }
}
