package io.eflow.cli;

import io.eflow.platform.Json;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Sets up, on a second thread, what a command that calls eflowd needs after picocli has parsed its line: Jackson's
 * mapper (~25 ms of class initialization in a fresh JVM) and the JDK's UNIX socket support (which seeds a secure
 * random and loads the security providers on first use). picocli's parsing (~60 ms of reflection) runs meanwhile on
 * the main thread, so on a machine with a core to spare the two overlap instead of adding up. It changes nothing a
 * command does: a command that gets there first simply waits for the class initialization in progress, as the JVM
 * guarantees; the thread is a daemon, so it never delays the exit.
 */
final class Warmup {
    private Warmup() {
    }

    static void start() {
        Thread thread = new Thread(Warmup::run, "eflow-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        Json.mapper();
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
        } catch (IOException ignored) {
            // the command's own connection reports whatever is wrong
        }
    }
}
