package io.eflow.cli;

import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The CLI's only link to {@code io.eflow.image}, which is written on the image branch. Until that branch is
 * merged this class cannot name its types, so the two calls are kept here and nowhere else. After the merge
 * the bodies become:
 * <pre>
 *   return ImageBuilder.build(paths, force, progress);
 *   return ImageVerifier.verify(dir, TrustStore...(paths));   // however the image branch loads the trust store
 * </pre>
 * and the results are printed by {@link ImageCommand} as they are (any record renders as text or JSON).
 */
final class ImageTasks {
    private ImageTasks() {
    }

    static Object build(EflowPaths paths, boolean force, Consumer<String> progress) {
        throw notMerged("image build");
    }

    static Object verify(Path dir, EflowPaths paths) {
        throw notMerged("image verify");
    }

    private static EflowException notMerged(String command) {
        return new EflowException(500, "eflow " + command + " is not in this build: the image builder (io.eflow.image) is not merged yet");
    }
}
