package io.eflow.samples.module;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto on a free loopback port, for tests in which a test client plays the edge hub's part: any
 * client may publish to any topic there, so the test can answer twin requests as it likes (late, twice, never).
 * Stopped by its own PID; {@link #start} again keeps the port (an outage).
 */
final class Broker implements AutoCloseable {
    private static final String BINARY = "/usr/sbin/mosquitto";

    private final Path dir;
    private final int port;
    private Process process;

    private Broker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static Broker start(Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("mosquitto.conf"), "user " + System.getProperty("user.name") + "\n"
                + "log_dest stderr\nlog_type error\nlog_type warning\npersistence false\n"
                + "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        Broker broker = new Broker(dir, port);
        broker.start();
        return broker;
    }

    int port() {
        return port;
    }

    synchronized void start() throws Exception {
        Path log = dir.resolve("mosquitto.log");
        process = new ProcessBuilder(BINARY, "-c", dir.resolve("mosquitto.conf").toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (!listening()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                stop();
                throw new IllegalStateException("mosquitto did not listen on 127.0.0.1:" + port + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    synchronized void stop() throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
