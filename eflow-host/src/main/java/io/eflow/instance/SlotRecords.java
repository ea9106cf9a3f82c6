package io.eflow.instance;

import io.eflow.image.GuestImage;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps, per root slot, the signed manifest of the image written into it, so the slot can be checked against
 * its signature and root hash later (verify, dm-verity on the namespace backend, updates).
 */
final class SlotRecords {
    private SlotRecords() {
    }

    static Path dir(InstanceLayout layout, String slot) {
        return layout.slotManifest(slot).getParent();
    }

    static void record(InstanceLayout layout, String slot, GuestImage image) {
        Path dir = dir(layout, slot);
        try {
            Files.createDirectories(dir);
            for (String file : new String[] {"manifest.json", "manifest.sig"}) {
                Files.copy(image.dir().resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot record the manifest of slot " + slot + ": " + e.getMessage(), e);
        }
    }
}
