package io.eflow.update;

import io.eflow.boot.SlotRecords;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.image.ImageVerifier;
import io.eflow.image.TrustStore;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

/** A slot's recorded image manifest must still carry a trusted signature before the slot is booted by hand. */
final class SlotVerification {
    private SlotVerification() {
    }

    static ImageManifest verify(InstanceLayout layout, Slot slot, TrustStore trust) {
        byte[] manifest = SlotRecords.file(layout, slot, GuestImage.MANIFEST)
                .orElseThrow(() -> EflowException.conflict("slot " + slot + " has no recorded image manifest"));
        byte[] signature = SlotRecords.file(layout, slot, GuestImage.SIGNATURE)
                .orElseThrow(() -> EflowException.conflict("slot " + slot + " has no recorded manifest signature"));
        return ImageVerifier.verifyManifest(manifest, signature, trust);
    }
}
