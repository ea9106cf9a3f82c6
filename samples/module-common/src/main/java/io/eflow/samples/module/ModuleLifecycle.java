package io.eflow.samples.module;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Start and stop of a sample module. A stop request (SIGTERM from the runtime, SIGINT, or {@link #exit}) wakes the
 * module's main loop, closes what was registered with {@link #closeOnStop} for at most {@link #CLOSE_GRACE}, and
 * ends the process with status 0 well within a second: the JVM's own answer to SIGTERM would be status 143, which
 * IoT Edge and Docker read as a failure.
 */
public final class ModuleLifecycle {
    static final Duration CLOSE_GRACE = Duration.ofMillis(500);

    private final Log log;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
    private volatile int exitStatus;

    private ModuleLifecycle(Log log) {
        this.log = log;
    }

    /** A module's body: runs until the lifecycle says stop. */
    @FunctionalInterface
    public interface Body {
        void run(Env env, Log log, ModuleLifecycle lifecycle) throws InterruptedException;
    }

    /**
     * A sample module's main: its log named by IOTEDGE_MODULEID, the lifecycle installed, and the exit status IoT
     * Edge reads — 2 for a configuration error, 1 for a crash, 0 for a requested stop.
     */
    public static void main(String defaultModuleId, Body body) {
        Env env = Env.system();
        Log log = new Log(env.string("IOTEDGE_MODULEID", defaultModuleId));
        ModuleLifecycle lifecycle = install(log);
        try {
            body.run(env, log, lifecycle);
        } catch (IllegalArgumentException e) {
            log.info("configuration error: " + e.getMessage());
            lifecycle.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("failed", e);
            e.printStackTrace();
            lifecycle.exit(1);
        }
    }

    /** The lifecycle of this process, its shutdown hook installed. */
    public static ModuleLifecycle install(Log log) {
        ModuleLifecycle lifecycle = new ModuleLifecycle(log);
        Runtime.getRuntime().addShutdownHook(new Thread(lifecycle::shutDown, "module-stop"));
        return lifecycle;
    }

    /** Closed on stop, the last registered first. */
    public <T extends AutoCloseable> T closeOnStop(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Waits up to {@code duration}; true when the module is to stop. */
    public boolean awaitStop(Duration duration) throws InterruptedException {
        return stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until the module is to stop. */
    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    public boolean stopping() {
        return stop.getCount() == 0;
    }

    /** Ends the process with {@code status} (its closeables closed); for errors, a stop request exits 0. */
    public void exit(int status) {
        exitStatus = status;
        System.exit(status);
    }

    private void shutDown() {
        stop.countDown();
        log.info("stopping");
        List<AutoCloseable> toClose;
        synchronized (closeables) {
            toClose = new ArrayList<>(closeables);
        }
        Collections.reverse(toClose);
        Thread closer = new Thread(() -> {
            for (AutoCloseable closeable : toClose) {
                try {
                    closeable.close();
                } catch (Exception | LinkageError e) {
                    log.error("while stopping", e);
                }
            }
        }, "module-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stopped" + (exitStatus == 0 ? "" : " (exit status " + exitStatus + ")"));
        log.flush();
        System.err.flush();
        // Status 0 for a stop request instead of the JVM's 128+signal; no other hook of the samples is left to run.
        Runtime.getRuntime().halt(exitStatus);
    }
}
