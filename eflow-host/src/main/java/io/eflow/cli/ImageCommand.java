package io.eflow.cli;

import io.eflow.image.GuestImage;
import io.eflow.image.ImageBuilder;
import io.eflow.image.ImageVerifier;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TrustStore;
import io.eflow.update.BundleWriter;
import io.eflow.update.Semver;
import io.eflow.update.UpdateCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * Guest images. These run in the CLI process, not the daemon: building takes minutes of mmdebstrap and its
 * progress belongs on the user's terminal (stderr), and neither touches a running instance.
 */
@Command(name = "image", description = "Build or verify guest images; load module images into a guest.",
        subcommands = {ImageCommand.Build.class, ImageCommand.Verify.class, ImageCommand.Bundle.class, ImageCommand.Load.class})
final class ImageCommand extends CommandGroup {
    @Command(name = "build", description = "Build the guest image into the image cache (progress on stderr).")
    static final class Build extends EflowCommand implements Runnable {
        @Option(names = "--force", description = "Rebuild even if an up-to-date image exists.")
        boolean force;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            CliContext context = context();
            print(json, ImageBuilder.build(context.paths(), force, ProgressLines.of(context, json)), TextRenderer::keyValues);
        }
    }

    @Command(name = "verify", description = "Check an image folder's signed manifest and hashes against the trusted keys.")
    static final class Verify extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "DIR", description = "The image folder.")
        String dir;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            CliContext context = context();
            print(json, ImageVerifier.verify(directory(context), TrustStore.load(context.paths())), TextRenderer::keyValues);
        }

        Path directory(CliContext context) {
            return Path.of(context.absolute(dir));
        }
    }

    /** An update bundle of a verified image, signed with this host's release key (or another), listed in a catalog. */
    @Command(name = "bundle", description = "Make a signed update bundle of an image and list it in its folder's catalog.json.")
    static final class Bundle extends EflowCommand implements Runnable {
        @Option(names = "--image", paramLabel = "DIR", description = "The image folder (default: the current built image).")
        String image;

        @Option(names = "--version", required = true, paramLabel = "X.Y.Z", description = "The release this bundle is.")
        String version;

        // This command's --version is the bundle's release, which keeps picocli from adding the standard help
        // options here: -h/--help are declared again, so help answers before the required options are checked.
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--key", paramLabel = "DIR", description = "The folder of release.key (default: this host's release key).")
        String key;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The bundle file to write (e.g. eflow-1.2.3.bundle).")
        String out;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            CliContext context = context();
            Semver release = Semver.parse(version);
            Path imageDir = image == null ? context.paths().images().resolve("current") : Path.of(context.absolute(image));
            ReleaseKeys keys = ReleaseKeys.load(key == null ? context.paths().releaseKey() : Path.of(context.absolute(key)));
            // Verified against the key that signs the bundle: one release key vouches for both manifests.
            GuestImage verified = ImageVerifier.verify(imageDir, TrustStore.ofKeys(keys.publicKey()));
            Path file = Path.of(context.absolute(out));
            BundleWriter.Written written = BundleWriter.write(verified, release, keys, file, context.err()::println);
            UpdateCatalog.write(file.getParent(), context.err()::println);
            print(json, written, TextRenderer::keyValues);
        }
    }

    /** Module images without a registry: an OCI image layout or docker-archive tarball, into the guest's store. */
    @Command(name = "load", description = "Load a module image (OCI image-layout or docker-archive tarball) into the guest.")
    static final class Load extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "FILE", description = "The tarball (docker save, skopeo copy, Jib buildTar).")
        String file;

        @Option(names = "--reference", paramLabel = "REF", description = "The name to record when the archive has none.")
        String reference;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().loadImage(name.instance(), context().absolute(file), reference, ProgressLines.of(context(), json)),
                    TextRenderer::keyValues);
        }
    }
}
