package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The Debian base tar, cached under {@code cache/base/<recipe hash>/} apart from eflow's own files: it
 * takes a minute and the network to make, and changes only when the {@link BaseRecipe} does (or when
 * forced, to pick up Debian updates).
 */
final class DebianBase {
    static final String TAR = "base.tar";
    static final String SHA256 = "base.sha256";
    static final long MMDEBSTRAP_TIMEOUT_SECONDS = 1800;

    /** A complete cached base. */
    record BaseTar(Path tar, String sha256, String recipeHash) {
    }

    private DebianBase() {
    }

    static Path folder(Path cache, BaseRecipe recipe) {
        return cache.resolve("base").resolve(recipe.hash().substring(0, 16));
    }

    static BaseTar ensure(Path cache, BaseRecipe recipe, boolean force, Consumer<String> progress) {
        Path dir = folder(cache, recipe);
        if (!force && Files.isRegularFile(dir.resolve(SHA256)) && Files.isRegularFile(dir.resolve(TAR))) {
            progress.accept("base: cached (Debian " + recipe.suite() + ", recipe " + recipe.hash().substring(0, 12) + ")");
            return new BaseTar(dir.resolve(TAR), read(dir.resolve(SHA256)).strip(), recipe.hash());
        }
        progress.accept("base: building Debian " + recipe.suite() + " with mmdebstrap (about a minute)…");
        long started = System.nanoTime();
        Path temp = AtomicDirs.createTemp(dir.getParent(), dir.getFileName().toString());
        try {
            Path tar = temp.resolve(TAR);
            String step = "base";
            Exec.Result result = Exec.of(recipe.mmdebstrapCommand(tar)).timeoutSeconds(MMDEBSTRAP_TIMEOUT_SECONDS)
                    .onStderrLine(line -> MmdebstrapPhases.of(line).ifPresent(phase ->
                            Progress.of(progress).phase(step, phase.number(), MmdebstrapPhases.COUNT, phase.name())))
                    .run();
            write(temp.resolve("mmdebstrap.log"), result.stdout() + result.stderr());
            if (!result.ok()) {
                Path log = dir.getParent().resolve("mmdebstrap-failed.log");
                write(log, result.stdout() + result.stderr());
                throw EflowException.failure("mmdebstrap failed (exit " + result.exitCode() + "): "
                        + firstError(result.stderr()) + " — full log: " + log, null);
            }
            String sha256 = FileDigests.sha256(tar);
            write(temp.resolve("recipe.txt"), recipe.canonical());
            write(temp.resolve(SHA256), sha256 + "\n");
            AtomicDirs.publish(temp, dir);
            progress.accept(String.format("base: built in %.0f s (%d MiB)", (System.nanoTime() - started) / 1e9,
                    size(dir.resolve(TAR)) >> 20));
            return new BaseTar(dir.resolve(TAR), sha256, recipe.hash());
        } finally {
            Rootfs.deleteTree(temp);
        }
    }

    /** mmdebstrap reports errors as "E: …" lines among many "I: …" ones; the first one is the cause. */
    static String firstError(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("E: ")).map(l -> l.substring(3)).findFirst()
                .orElse(stderr.lines().reduce((a, b) -> b).orElse("no output"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
