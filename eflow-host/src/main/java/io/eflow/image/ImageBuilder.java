package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.Privileges;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code eflow image build}: the curated guest image of DESIGN.md, in steps that are each cached at the
 * level that changes them —
 * <ol>
 *   <li>base: Debian with mmdebstrap (a minute; cached by {@link BaseRecipe} hash),</li>
 *   <li>customize: package manager out, host keys out, iotedge-user in, /var to a template, guest payload on top,</li>
 *   <li>pack: erofs, dm-verity hash tree, signed manifest (customize + pack: seconds; cached by {@link ImageRecipe} hash).</li>
 * </ol>
 * Nothing changed means the cached image is returned at once; a code change (new payload) redoes 2–3 only.
 */
public final class ImageBuilder {
    private final EflowPaths paths;
    private final BaseRecipe baseRecipe;
    private final GuestPayload payload;
    private final BuildInfo build;
    private final Consumer<String> progress;

    ImageBuilder(EflowPaths paths, BaseRecipe baseRecipe, GuestPayload payload, BuildInfo build, Consumer<String> progress) {
        this.paths = paths;
        this.baseRecipe = baseRecipe;
        this.payload = payload;
        this.build = build;
        this.progress = progress;
    }

    /**
     * Builds (or finds in the cache) the guest image for this eflow build.
     *
     * @param force rebuild everything, the Debian base included (to pick up Debian updates)
     */
    public static GuestImage build(EflowPaths paths, boolean force, Consumer<String> progress) {
        if (!Privileges.isRoot()) {
            throw new EflowException(403, "building the guest image needs root (mmdebstrap --mode=root, device nodes,"
                    + " file owners): run it with sudo");
        }
        return new ImageBuilder(paths, BaseRecipe.bookworm(BaseRecipe.hostArch()), GuestPayload.bundled(),
                BuildInfo.load(), progress).build(force);
    }

    GuestImage build(boolean force) {
        try (ImageCache cache = ImageCache.open(paths.cache(), progress)) {
            ReleaseKeys keys = ReleaseKeys.loadOrCreate(paths.releaseKey());
            if (!baseCached() || force) {
                HostTools.require("mmdebstrap", "mmdebstrap");
            }
            DebianBase.BaseTar base = DebianBase.ensure(paths.cache(), baseRecipe, force, progress);
            BootKit kit = bootKit(force);
            byte[] init = Initramfs.initScript();
            String bootSha256 = kit == null ? "none" : FileDigests.sha256(kit.sha256() + "\n" + FileDigests.sha256(init));
            ImageRecipe recipe = new ImageRecipe(build.version(), baseRecipe.arch(), build.timestamp(),
                    base.recipeHash(), base.sha256(), payload.sha256(), bootSha256);
            Path folder = cache.folder(recipe);
            GuestImage image = force ? null : cached(folder, recipe, keys);
            if (image != null) {
                progress.accept("image: cached " + image.version());
            } else {
                image = assemble(recipe, base, kit, init, keys, cache, folder);
            }
            cache.makeCurrent(folder);
            cache.prune().forEach(old -> progress.accept("removed old image " + old.getFileName()));
            progress.accept("image ready: " + folder);
            return image;
        }
    }

    /** Debian's kernel for the qemu backend: x86 only for now (the vmlinux extraction reads a bzImage). */
    private BootKit bootKit(boolean force) {
        if (!"amd64".equals(baseRecipe.arch())) {
            progress.accept("boot: no qemu boot parts for " + baseRecipe.arch() + " (amd64 only)");
            return null;
        }
        return BootKit.ensure(paths.cache(), BootRecipe.debian(baseRecipe.arch()), force, progress);
    }

    private boolean baseCached() {
        return Files.isRegularFile(DebianBase.folder(paths.cache(), baseRecipe).resolve(DebianBase.SHA256));
    }

    /** A cached folder counts only if this host's key signed it for this very recipe. */
    private GuestImage cached(Path folder, ImageRecipe recipe, ReleaseKeys keys) {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try {
            GuestImage image = ImageVerifier.verifyWithoutDigests(folder, TrustStore.ofKeys(keys.publicKey()));
            if (recipe.hash().equals(image.manifest().recipeHash())) {
                return image;
            }
            progress.accept("image: cached folder belongs to another recipe, rebuilding");
        } catch (EflowException e) {
            progress.accept("image: cached copy unusable (" + e.getMessage() + "), rebuilding");
        }
        return null;
    }

    private GuestImage assemble(ImageRecipe recipe, DebianBase.BaseTar base, BootKit kit, byte[] init, ReleaseKeys keys,
                                ImageCache cache, Path folder) {
        HostTools.require("tar", "tar");
        HostTools.require("mkfs.erofs", "erofs-utils");
        Path temp = AtomicDirs.createTemp(cache.images(), recipe.folderName());
        Path tree = null;
        try {
            tree = Staging.createTree(paths.cache(), Files.size(base.tar()), temp);
            progress.accept("customize…");
            long started = System.nanoTime();
            customize(tree, base, recipe);
            progress.accept(String.format("customize: done in %.1f s", seconds(started)));

            started = System.nanoTime();
            Path erofs = temp.resolve(GuestImage.ROOTFS);
            ErofsPacker.pack(tree, erofs, recipe.created(), recipe.filesystemUuid());
            Staging.release(tree);
            progress.accept(String.format("erofs: %d MiB in %.1f s", Files.size(erofs) >> 20, seconds(started)));

            List<String> bootParts = List.of();
            if (kit != null) {
                started = System.nanoTime();
                Files.copy(kit.vmlinux(), temp.resolve(GuestImage.VMLINUX));
                Initramfs.write(kit, init, recipe.created().getEpochSecond(), temp.resolve(GuestImage.INITRD));
                bootParts = List.of(GuestImage.VMLINUX, GuestImage.INITRD);
                progress.accept(String.format("boot: kernel %s, initramfs %d KiB in %.1f s", kit.release(),
                        Files.size(temp.resolve(GuestImage.INITRD)) >> 10, seconds(started)));
            }
            GuestImage sealed = ImageSealer.seal(temp, recipe.identity(), recipe.veritySalt(), keys, bootParts, progress);
            AtomicDirs.publish(temp, folder);
            return new GuestImage(folder, sealed.manifest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the image in " + temp, e);
        } finally {
            if (tree != null) {
                Staging.release(tree);
            }
            Rootfs.deleteTree(temp);
        }
    }

    private void customize(Path tree, DebianBase.BaseTar base, ImageRecipe recipe) {
        // Host tar for the base: it makes device nodes and keeps owners and xattrs; the tree is empty, so
        // tar's own guard against the archive's symlinks suffices. umask 022 for any implied parent folder.
        Exec.of("sh", "-c", "umask 022 && exec tar --extract --file \"$1\" --directory \"$2\" --numeric-owner"
                        + " --same-owner --preserve-permissions --xattrs --xattrs-include='*'",
                "tar", base.tar().toString(), tree.toString()).timeoutSeconds(600).check();

        Rootfs rootfs = new Rootfs(tree, true);
        RootfsCustomizer customizer = new RootfsCustomizer(rootfs);
        int removed = customizer.removePackageManager();
        int hostKeys = customizer.removeSshHostKeys();
        customizer.resetHostIdentity();
        customizer.addIotedgeUser(recipe.created().getEpochSecond() / 86_400);
        int varEntries = customizer.moveVarToTemplate();
        customizer.ensureMountPoints();
        customizer.writeDefaultFirewalls();
        int payloadEntries = PayloadUnpacker.unpack(payload.open(), rootfs);
        requireEmptyVar(tree);
        customizer.writeRelease(recipe.imageVersion(), recipe.buildId());
        progress.accept("customize: removed " + removed + " package-manager entries and " + hostKeys
                + " SSH host keys, added iotedge-user, moved " + varEntries + " /var entries to /"
                + RootfsCustomizer.VAR_TEMPLATE + ", laid " + payloadEntries + " payload entries");
    }

    /** The data disk hides whatever the image has in /var: a payload file there would silently vanish. */
    private static void requireEmptyVar(Path tree) {
        try (Stream<Path> entries = Files.list(tree.resolve("var"))) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            if (!names.isEmpty()) {
                throw EflowException.failure("the guest payload puts " + names + " under /var, where the data disk hides it:"
                        + " ship /var seeds under /" + RootfsCustomizer.VAR_TEMPLATE + " instead", null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
