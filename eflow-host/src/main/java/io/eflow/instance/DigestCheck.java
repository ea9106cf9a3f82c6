package io.eflow.instance;

import io.eflow.image.GuestImage;
import io.eflow.image.ImageVerifier;
import io.eflow.platform.EflowException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A deploy's check of the image parts' digests, on a thread of its own while the deploy copies those parts into the
 * instance's slots: hashing and copying each take about as long, and one after the other a deploy paid their sum.
 * The deploy waits for it before anything boots from the copies; a mismatch fails the deploy, which then removes
 * everything it made.
 */
final class DigestCheck implements AutoCloseable {
    private final FutureTask<Void> task;

    private DigestCheck(FutureTask<Void> task) {
        this.task = task;
    }

    static DigestCheck start(GuestImage image) {
        FutureTask<Void> task = new FutureTask<>(() -> ImageVerifier.checkDigests(image), null);
        Thread thread = new Thread(task, "image-digests");
        thread.setDaemon(true);
        thread.start();
        return new DigestCheck(task);
    }

    /** Returns once every part matched; throws the verifier's one-line refusal otherwise. */
    void await() {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EflowException.failure("interrupted while checking the image's digests", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            throw EflowException.failure("cannot check the image's digests: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw EflowException.failure("the image's digest check was cancelled", e);
        }
    }

    /** A deploy that failed before it waited leaves the check to finish on its own: it only reads. */
    @Override
    public void close() {
        task.cancel(false);
    }
}
