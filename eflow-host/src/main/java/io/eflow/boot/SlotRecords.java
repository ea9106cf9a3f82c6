package io.eflow.boot;

import io.eflow.contract.files.AtomicFile;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps, per root slot, the signed manifest of the image written into it (and, for a slot written from an update
 * bundle, the bundle's signed manifest), so the slot can be checked against its signature and root hash later
 * (verify, dm-verity on the namespace backend, updates) and its version is known. A slot without a record holds
 * nothing bootable: an update removes the record before it writes the slot and records it only once it is whole.
 */
public final class SlotRecords {
    /** The signed bundle manifest of a slot written by an update; its {@code version} is the slot's version. */
    public static final String BUNDLE = "bundle.json";
    public static final String BUNDLE_SIGNATURE = "bundle.sig";

    private SlotRecords() {
    }

    public static Path dir(InstanceLayout layout, Slot slot) {
        return layout.slotManifest(slot).getParent();
    }

    public static void record(InstanceLayout layout, Slot slot, GuestImage image) {
        record(layout, slot, Map.of(GuestImage.MANIFEST, read(image.manifestFile()), GuestImage.SIGNATURE, read(image.signatureFile())));
    }

    /**
     * Replaces the slot's record with {@code files} (name to bytes) at once: written into a new folder, which is then
     * renamed over the old one, so a crash leaves the old record, the new one, or none, never a mix.
     */
    public static void record(InstanceLayout layout, Slot slot, Map<String, byte[]> files) {
        Path dir = dir(layout, slot);
        Path temp = dir.resolveSibling("." + dir.getFileName() + ".new");
        Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
        try {
            FileTrees.deleteRecursively(temp);
            FileTrees.deleteRecursively(old);
            Files.createDirectories(temp);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                FileTrees.writeDurably(temp.resolve(file.getKey()), file.getValue(), "rw-r--r--");
            }
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFile.syncDirectory(dir.getParent());
            FileTrees.deleteRecursively(old);
        } catch (IOException e) {
            throw EflowException.failure("cannot record the image of slot " + slot + ": " + e.getMessage(), e);
        }
    }

    /** Forgets what a slot holds: first step of writing it. */
    public static void clear(InstanceLayout layout, Slot slot) {
        FileTrees.deleteRecursively(dir(layout, slot));
        FileTrees.deleteRecursively(dir(layout, slot).resolveSibling("." + dir(layout, slot).getFileName() + ".new"));
    }

    public static boolean holdsImage(InstanceLayout layout, Slot slot) {
        return Files.isRegularFile(layout.slotManifest(slot)) && Files.isRegularFile(dir(layout, slot).resolve(GuestImage.SIGNATURE));
    }

    public static Optional<byte[]> file(InstanceLayout layout, Slot slot, String name) {
        Path file = dir(layout, slot).resolve(name);
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /** The slot's image manifest as recorded (not re-verified here). */
    public static Optional<ImageManifest> manifest(InstanceLayout layout, Slot slot) {
        return file(layout, slot, GuestImage.MANIFEST).map(ImageManifest::parse);
    }

    /**
     * The slot's release version: the bundle's version for a slot an update wrote, else the image's version without
     * its build metadata ({@code 0.1.0+1a2b3c4d} is {@code 0.1.0}); empty when the slot holds nothing.
     */
    public static Optional<String> version(InstanceLayout layout, Slot slot) {
        Optional<String> bundleVersion = file(layout, slot, BUNDLE).map(SlotRecords::bundleVersion).filter(v -> !v.isEmpty());
        if (bundleVersion.isPresent()) {
            return bundleVersion;
        }
        return manifest(layout, slot).map(m -> m.version().replaceFirst("[+-].*$", ""));
    }

    /** The {@code version} of a recorded bundle manifest (signed when it was written; read here, not re-checked). */
    private static String bundleVersion(byte[] json) {
        try {
            return Json.mapper().readTree(json).path("version").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
