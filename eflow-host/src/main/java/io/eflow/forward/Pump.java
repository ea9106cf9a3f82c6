package io.eflow.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries one connection's bytes both ways between two endpoints, each direction on its own thread (blocking
 * streams on both sides). EOF travels on as a half-close, so request/response protocols that close their sending
 * side first still get their answer; when both directions are done, everything is closed.
 */
final class Pump {
    private static final int BUFFER = 32 * 1024;

    /** One side of a connection. */
    interface End extends AutoCloseable {
        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        /** No more bytes will be written to this end. */
        void shutdownOutput() throws IOException;

        @Override
        void close();
    }

    private Pump() {
    }

    static void start(End a, End b, ExecutorService threads) {
        AtomicInteger running = new AtomicInteger(2);
        Runnable finished = () -> {
            if (running.decrementAndGet() == 0) {
                a.close();
                b.close();
            }
        };
        threads.execute(() -> copy(a, b, finished));
        threads.execute(() -> copy(b, a, finished));
    }

    private static void copy(End from, End to, Runnable finished) {
        try {
            InputStream in = from.input();
            OutputStream out = to.output();
            byte[] buffer = new byte[BUFFER];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
            finished.run();
        } catch (IOException e) {
            // a reset or a closed tunnel ends the whole connection, both directions
            from.close();
            to.close();
            finished.run();
        }
    }
}
