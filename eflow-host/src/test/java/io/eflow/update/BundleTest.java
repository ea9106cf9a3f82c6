package io.eflow.update;

import io.eflow.image.BaseRecipe;
import io.eflow.image.BootSlotInstaller;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.SlotInstaller;
import io.eflow.image.TestImages;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Privileges;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleTest {
    @TempDir
    Path tmp;

    private ReleaseKeys keys;
    private TrustStore trust;
    private GuestImage image;
    private Path bundle;
    private Path slot;
    private byte[] oldSlot;

    @BeforeEach
    void writeBundle() throws IOException {
        keys = ReleaseKeys.loadOrCreate(tmp.resolve("release"));
        trust = TrustStore.ofKeys(keys.publicKey());
        image = TestImages.random(tmp.resolve("image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), false);
        bundle = tmp.resolve("out/eflow-1.2.4.bundle");
        Files.createDirectories(bundle.getParent());
        BundleWriter.write(image, Semver.parse("1.2.4"), keys, bundle, line -> { });
        slot = tmp.resolve("disks/rootfs-b.img");
        Files.createDirectories(slot.getParent());
        oldSlot = "the previous image".getBytes();
        Files.write(slot, oldSlot);
    }

    @Test
    void writesTheSignedHeaderFirstThenTheImageInOrderWithFixedHeaders() throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        assertThat(entries.keySet()).containsExactly("bundle.json", "bundle.sig", "manifest.json", "manifest.sig",
                "rootfs.erofs", "rootfs.verity");
        assertThat(entries.get("manifest.json")).isEqualTo(Files.readAllBytes(image.manifestFile()));
        assertThat(entries.get("rootfs.erofs")).isEqualTo(Files.readAllBytes(image.rootfs()));

        BundleManifest manifest = BundleManifest.parse(entries.get("bundle.json"));
        assertThat(manifest.format()).isEqualTo("eflow-bundle/1");
        assertThat(manifest.version()).isEqualTo("1.2.4");
        assertThat(manifest.imageVersion()).isEqualTo("1.2.4+0123abcd");
        assertThat(manifest.created()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(manifest.arch()).isEqualTo(BaseRecipe.hostArch());
        assertThat(manifest.partNames()).containsExactly("manifest.json", "manifest.sig", "rootfs.erofs", "rootfs.verity");
        assertThat(manifest.parts().get(2)).isEqualTo(image.manifest().part("rootfs.erofs").orElseThrow());
        assertThat(manifest.toJson()).isEqualTo(entries.get("bundle.json"));

        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(bundle))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                assertThat(e.getMode()).isEqualTo(0100644);
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getModTime().toInstant()).hasToString("2025-01-01T00:00:00Z");
            }
        }
        // Same image, version and key: same bytes, whenever and wherever it is written.
        Path again = tmp.resolve("again.bundle");
        BundleWriter.Written written = BundleWriter.write(image, Semver.parse("1.2.4"), keys, again, line -> { });
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(bundle));
        assertThat(written.size()).isEqualTo(Files.size(bundle));
        assertThat(written.keyId()).isEqualTo(keys.keyId());
        assertThat(tmp.resolve(".again.bundle.tmp")).doesNotExist();
    }

    @Test
    void refusesToBundleAnImageThatDoesNotVerify() throws IOException {
        TestImages.flipByte(image.rootfs(), 5000);
        assertThatThrownBy(() -> BundleWriter.write(image, Semver.parse("1.2.4"), keys, tmp.resolve("x.bundle"), line -> { }))
                .hasMessage("rootfs.erofs: sha256 mismatch (image corrupt or tampered)");
        assertThat(tmp.resolve("x.bundle")).doesNotExist();
    }

    @Test
    void roundTripInstallsARootSlotThatVerifies() throws IOException {
        VerifiedBundle verified = BundleReader.open(bundle, trust);
        assertThat(verified.version()).isEqualTo(Semver.parse("1.2.4"));
        assertThat(verified.keyId()).isEqualTo(keys.keyId());
        assertThat(verified.fileSize()).isEqualTo(Files.size(bundle));

        AtomicInteger halfway = new AtomicInteger();
        List<String> progress = new ArrayList<>();
        AtomicInteger replacing = new AtomicInteger();
        InstalledBundle installed = BundleInstaller.install(verified, trust, slot, null, halfway::incrementAndGet,
                replacing::incrementAndGet, progress::add);

        assertThat(halfway).hasValue(1);
        assertThat(replacing).hasValue(1);
        assertThat(installed.version()).isEqualTo(Semver.parse("1.2.4"));
        assertThat(installed.imageManifest()).isEqualTo(image.manifest());
        assertThat(installed.manifestJson()).isEqualTo(Files.readAllBytes(image.manifestFile()));
        assertThat(installed.manifestSig()).isEqualTo(Files.readAllBytes(image.signatureFile()));
        assertThat(installed.bundleJson()).isEqualTo(verified.manifestJson());
        assertThat(installed.bundleSig()).isEqualTo(verified.signature());
        assertThat(Files.size(slot)).isEqualTo(SlotInstaller.SLOT_SIZE);
        SlotInstaller.verifySlot(slot, image.verity());
        assertThat(progress).last().asString().startsWith("installed 1.2.4 (image 1.2.4+0123abcd)");
        assertNoLeftovers();
    }

    @Test
    void aFlippedByteInAnyPartIsRefusedByNameAndLeavesTheSlot() throws IOException {
        for (String part : List.of("manifest.json", "manifest.sig", "rootfs.erofs", "rootfs.verity")) {
            Path copy = tmp.resolve("flipped-" + part + ".bundle");
            Files.copy(bundle, copy);
            TarArchiveEntry entry = entry(copy, part);
            TestImages.flipByte(copy, entry.getDataOffset() + entry.getSize() / 2);
            VerifiedBundle verified = BundleReader.open(copy, trust);
            assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> { },
                    () -> { throw new AssertionError("a refused bundle must not reach the replacement of the slots"); }, line -> { }))
                    .as(part)
                    .isInstanceOf(EflowException.class)
                    .hasMessage("bundle part " + part + " does not match its signed sha256: the bundle is corrupt or tampered");
            assertSlotUntouched();
        }
    }

    @Test
    void aBundleSignedByAnotherKeyIsRefused() {
        ReleaseKeys other = ReleaseKeys.loadOrCreate(tmp.resolve("other"));
        assertThatThrownBy(() -> BundleReader.open(bundle, TrustStore.ofKeys(other.publicKey())))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessage("bundle is not signed by a trusted key (it names key " + keys.keyId() + ")");
    }

    @Test
    void aChangedBundleManifestIsRefusedBeforeAnyPart() throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        entries.put("bundle.json", new String(entries.get("bundle.json")).replace("1.2.4\"", "1.2.5\"").getBytes());
        writeTar(bundle, entries);
        assertThatThrownBy(() -> BundleReader.open(bundle, trust))
                .hasMessage("bundle is not signed by a trusted key (it names key " + keys.keyId() + ")");
    }

    @Test
    void aTruncatedBundleIsRefusedAndLeavesTheSlot() throws IOException {
        long verityEnd = entry(bundle, "rootfs.verity").getDataOffset() + 100;
        try (RandomAccessFile raf = new RandomAccessFile(bundle.toFile(), "rw")) {
            raf.setLength(verityEnd);
        }
        VerifiedBundle verified = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("bundle is truncated: part rootfs.verity ends after");
        assertSlotUntouched();

        try (RandomAccessFile raf = new RandomAccessFile(bundle.toFile(), "rw")) {
            raf.setLength(1000);
        }
        assertThatThrownBy(() -> BundleReader.open(bundle, trust)).isInstanceOf(EflowException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aMissingOrExtraPartIsRefused() throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        entries.remove("rootfs.verity");
        writeTar(bundle, entries);
        VerifiedBundle missing = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(missing, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .hasMessage("bundle is truncated: part rootfs.verity is missing");
        assertSlotUntouched();

        entries = entries(tmp.resolve("out/eflow-1.2.4.bundle.orig"), true);
        entries.put("extra", new byte[10]);
        writeTar(bundle, entries);
        VerifiedBundle extra = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(extra, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .hasMessage("bundle has an entry after its last part (extra): the bundle is corrupt or tampered");
        assertSlotUntouched();
    }

    @Test
    void entriesOutOfOrderAreRefused() throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        Map<String, byte[]> sigFirst = new LinkedHashMap<>();
        sigFirst.put("bundle.sig", entries.get("bundle.sig"));
        sigFirst.putAll(entries);
        writeTar(bundle, sigFirst);
        assertThatThrownBy(() -> BundleReader.open(bundle, trust))
                .hasMessage("eflow-1.2.4.bundle is not an eflow bundle: bundle.json expected, found bundle.sig");

        Map<String, byte[]> swapped = new LinkedHashMap<>();
        for (String name : List.of("bundle.json", "bundle.sig", "manifest.json", "manifest.sig", "rootfs.verity", "rootfs.erofs")) {
            swapped.put(name, entries.get(name));
        }
        writeTar(bundle, swapped);
        VerifiedBundle verified = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .hasMessage("bundle entry rootfs.verity is not the part its manifest lists next (rootfs.erofs):"
                        + " the bundle is corrupt or tampered");
        assertSlotUntouched();
    }

    @Test
    void aSignedHeaderWithAnUnknownFormatOtherArchOrOtherPartsIsRefused() throws IOException {
        BundleManifest good = BundleReader.open(bundle, trust).manifest();
        String otherArch = BaseRecipe.hostArch().equals("amd64") ? "arm64" : "amd64";
        resign(new BundleManifest("eflow-bundle/9", good.version(), good.arch(), good.imageVersion(), good.created(), good.parts()));
        assertThatThrownBy(() -> BundleReader.open(bundle, trust))
                .hasMessage("bundle format eflow-bundle/9 is not known to this eflow (it reads eflow-bundle/1): update eflow first");
        resign(new BundleManifest(good.format(), good.version(), otherArch, good.imageVersion(), good.created(), good.parts()));
        assertThatThrownBy(() -> BundleReader.open(bundle, trust))
                .hasMessage("bundle 1.2.4 is for " + otherArch + " guests, this host runs " + BaseRecipe.hostArch());
        List<ImageManifest.Part> parts = new ArrayList<>(good.parts());
        parts.add(new ImageManifest.Part("../../etc/passwd", 1, "0".repeat(64)));
        resign(new BundleManifest(good.format(), good.version(), good.arch(), good.imageVersion(), good.created(), parts));
        assertThatThrownBy(() -> BundleReader.open(bundle, trust)).hasMessageStartingWith(
                "bundle lists parts manifest.json, manifest.sig, rootfs.erofs, rootfs.verity, ../../etc/passwd: expected");
    }

    @Test
    void aBundleNamingAnotherImageThanItCarriesIsRefused() throws IOException {
        BundleManifest good = BundleReader.open(bundle, trust).manifest();
        resign(new BundleManifest(good.format(), good.version(), good.arch(), "1.2.4+ffffffff", good.created(), good.parts()));
        VerifiedBundle verified = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .hasMessageStartingWith("bundle 1.2.4 names image 1.2.4+ffffffff");
        assertSlotUntouched();
    }

    @Test
    void aFailureHalfwayLeavesTheSlotAndNoTemporaryFile() throws IOException {
        VerifiedBundle verified = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> {
            assertThat(Files.exists(slot.resolveSibling(".rootfs-b.img.tmp"))).as("written to a temporary file").isTrue();
            throw new IllegalStateException("killed halfway");
        }, () -> { }, line -> { })).hasMessage("killed halfway");
        assertSlotUntouched();
    }

    @Test
    void aBundleWithBootPartsNeedsABootSlot() throws IOException {
        GuestImage withBoot = TestImages.random(tmp.resolve("boot-image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), true);
        Path bootBundle = tmp.resolve("boot.bundle");
        BundleWriter.write(withBoot, Semver.parse("1.2.4"), keys, bootBundle, line -> { });
        assertThat(entries(bootBundle).keySet()).endsWith("vmlinux", "initrd.img");
        VerifiedBundle verified = BundleReader.open(bootBundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, null, () -> { }, () -> { }, line -> { }))
                .hasMessage("bundle 1.2.4 carries a kernel and initramfs, but no boot slot was given for them");
        VerifiedBundle rootOnly = BundleReader.open(bundle, trust);
        assertThatThrownBy(() -> BundleInstaller.install(rootOnly, trust, slot, tmp.resolve("boot-b.img"), () -> { }, () -> { }, line -> { }))
                .hasMessageStartingWith("bundle 1.2.4 has no kernel and initramfs: it cannot update a boot slot");
        assertSlotUntouched();
    }

    @Test
    void installsTheBootPartsIntoTheBootSlot() throws IOException {
        Assumptions.assumeTrue(Privileges.isRoot(), "loop-mounting a boot slot needs root");
        GuestImage withBoot = TestImages.random(tmp.resolve("boot-image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), true);
        Path bootBundle = tmp.resolve("boot.bundle");
        BundleWriter.write(withBoot, Semver.parse("1.2.4"), keys, bootBundle, line -> { });
        Path bootSlot = tmp.resolve("disks/boot-b.img");
        try (RandomAccessFile raf = new RandomAccessFile(bootSlot.toFile(), "rw")) {
            raf.setLength(32L << 20);
        }
        Exec.of("mkfs.ext4", "-q", "-F", bootSlot.toString()).check();

        BundleInstaller.install(BundleReader.open(bootBundle, trust), trust, slot, bootSlot, () -> { }, () -> { }, line -> { });

        Path extracted = tmp.resolve("extracted");
        BootSlotInstaller.extract(bootSlot, extracted);
        assertThat(extracted.resolve("vmlinux")).hasSameBinaryContentAs(withBoot.vmlinux());
        assertThat(extracted.resolve("initrd.img")).hasSameBinaryContentAs(withBoot.initrd());
        SlotInstaller.verifySlot(slot, withBoot.verity());
        assertNoLeftovers();
    }

    @Test
    void aFlippedByteInABootPartLeavesBothSlotsAndNothingTemporaryInTheBootSlot() throws IOException {
        Assumptions.assumeTrue(Privileges.isRoot(), "loop-mounting a boot slot needs root");
        GuestImage withBoot = TestImages.random(tmp.resolve("boot-image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), true);
        Path bootSlot = tmp.resolve("disks/boot-b.img");
        try (RandomAccessFile raf = new RandomAccessFile(bootSlot.toFile(), "rw")) {
            raf.setLength(32L << 20);
        }
        Exec.of("mkfs.ext4", "-q", "-F", bootSlot.toString()).check();
        for (String part : List.of("vmlinux", "initrd.img")) {
            Path bootBundle = tmp.resolve("boot-" + part + ".bundle");
            BundleWriter.write(withBoot, Semver.parse("1.2.4"), keys, bootBundle, line -> { });
            TarArchiveEntry entry = entry(bootBundle, part);
            TestImages.flipByte(bootBundle, entry.getDataOffset() + entry.getSize() - 1);

            VerifiedBundle verified = BundleReader.open(bootBundle, trust);
            assertThatThrownBy(() -> BundleInstaller.install(verified, trust, slot, bootSlot, () -> { },
                    () -> { throw new AssertionError("a refused bundle must not reach the replacement of the slots"); }, line -> { }))
                    .as(part)
                    .hasMessage("bundle part " + part + " does not match its signed sha256: the bundle is corrupt or tampered");
            assertSlotUntouched();
            // unmounted (no loop device left on it), and in its root neither a part nor a temporary file
            assertThat(Exec.of("losetup", "-j", bootSlot.toString()).check().stdout()).as(part).isBlank();
            String listing = Exec.of("debugfs", "-R", "ls -l /", bootSlot.toString()).check().stdout();
            assertThat(listing).as(part).doesNotContain("vmlinux").doesNotContain("initrd").doesNotContain(".tmp");
        }
    }

    private void assertSlotUntouched() throws IOException {
        assertThat(Files.readAllBytes(slot)).isEqualTo(oldSlot);
        assertNoLeftovers();
    }

    private void assertNoLeftovers() throws IOException {
        try (var files = Files.list(slot.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
        }
    }

    /** Replaces bundle.json and its signature, keeping every other entry: a header the trusted key really signed. */
    private void resign(BundleManifest manifest) throws IOException {
        Map<String, byte[]> entries = entries(tmp.resolve("out/eflow-1.2.4.bundle.orig"), true);
        byte[] json = manifest.toJson();
        entries.put("bundle.json", json);
        entries.put("bundle.sig", keys.sign(json).toJson());
        writeTar(bundle, entries);
    }

    /** The bundle's entries in order; the first call keeps a copy of the bundle as written, for later rewrites. */
    private Map<String, byte[]> entries(Path file) throws IOException {
        return entries(file, false);
    }

    private Map<String, byte[]> entries(Path file, boolean original) throws IOException {
        Path orig = tmp.resolve("out/eflow-1.2.4.bundle.orig");
        if (!Files.exists(orig)) {
            Files.copy(bundle, orig);
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(original ? orig : file))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), tar.readAllBytes());
            }
        }
        return entries;
    }

    private static void writeTar(Path file, Map<String, byte[]> entries) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
    }

    /** Where an entry's data starts in the file, and its size, as the tar says. */
    private static TarArchiveEntry entry(Path file, String name) throws IOException {
        try (TarFile tar = new TarFile(file)) {
            return tar.getEntries().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
        }
    }
}
