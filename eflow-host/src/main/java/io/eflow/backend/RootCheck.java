package io.eflow.backend;

import io.eflow.image.ImageManifest;
import io.eflow.image.SlotInstaller;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dm-verity feature's host-side check, before any start on either backend: every block of a root slot, and its
 * whole hash tree, against the root hash in the slot's signed manifest. The qemu guest's kernel also maps the root
 * through dm-verity, but it only checks what it reads; this check makes one flipped byte anywhere stop the start.
 */
public final class RootCheck {
    private RootCheck() {
    }

    /** @throws EflowException 409 naming the slot when it does not match its signed root hash */
    public static void verify(InstanceLayout layout, Slot slot) {
        Path manifest = layout.slotManifest(slot);
        ImageManifest recorded;
        try {
            recorded = ImageManifest.parse(Files.readAllBytes(manifest));
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + manifest + ": " + e.getMessage(), e);
        }
        try {
            SlotInstaller.verifySlot(layout.rootSlot(slot), recorded.verity());
        } catch (EflowException e) {
            throw new EflowException(409, "dm-verity: root slot " + slot + " does not match its signed root hash ("
                    + e.getMessage() + "); the guest was not started");
        }
    }
}
