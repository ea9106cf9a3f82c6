package io.eflow.cli;

import io.eflow.image.ImageBuilder;
import io.eflow.image.ImageVerifier;
import io.eflow.image.TrustStore;

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
        subcommands = {ImageCommand.Build.class, ImageCommand.Verify.class, ImageCommand.Load.class})
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
            print(json, ImageBuilder.build(context.paths(), force, context.err()::println), TextRenderer::keyValues);
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
            print(json, client().loadImage(name.instance(), context().absolute(file), reference), TextRenderer::keyValues);
        }
    }
}
