package io.eflow.platform;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs independent steps of one operation side by side and returns once every one has ended, so that a failure's
 * clean-up never races a step still writing. The first failure (in the order given) is thrown as it was.
 */
public final class ParallelSteps {
    /** A step that may fail as the deploy's own steps do. */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    private ParallelSteps() {
    }

    public static void run(List<Step> steps) throws IOException {
        List<FutureTask<Void>> tasks = new ArrayList<>();
        for (Step step : steps) {
            FutureTask<Void> task = new FutureTask<>(() -> {
                step.run();
                return null;
            });
            tasks.add(task);
            if (tasks.size() > 1) { // the first runs on the caller's thread, below
                Thread thread = new Thread(task, "parallel-step");
                thread.setDaemon(true);
                thread.start();
            }
        }
        tasks.get(0).run();
        Throwable first = null;
        for (FutureTask<Void> task : tasks) {
            try {
                Uninterruptibly.await(task::get); // the caller's clean-up must not start while a step still writes
            } catch (ExecutionException e) {
                first = first == null ? e.getCause() : first;
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
    }

}
