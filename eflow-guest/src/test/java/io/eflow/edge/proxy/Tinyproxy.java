package io.eflow.edge.proxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's tinyproxy on a free loopback port, in the foreground, logging each request: a real HTTP proxy for the tests
 * (public for the integration tests). {@code connectPorts} are the only ports it tunnels to; CONNECT to any other is
 * refused with 403, which is how the tests make a proxy refuse.
 */
public final class Tinyproxy implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private Tinyproxy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static Tinyproxy start(Path dir, int... connectPorts) throws IOException, InterruptedException {
        return start(dir, false, connectPorts);
    }

    /** A proxy that answers every request from loopback with 403 (its access list denies it). */
    public static Tinyproxy refusing(Path dir) throws IOException, InterruptedException {
        return start(dir, true);
    }

    private static Tinyproxy start(Path dir, boolean refuse, int... connectPorts) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = dir.resolve("tinyproxy.log");
        StringBuilder conf = new StringBuilder("Port " + port + "\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nLogLevel Connect\n"
                + "LogFile \"" + log + "\"\n" + (refuse ? "Deny 127.0.0.1\n" : "Allow 127.0.0.1\n"));
        for (int connectPort : connectPorts) {
            conf.append("ConnectPort ").append(connectPort).append('\n');
        }
        if (connectPorts.length == 0) {
            conf.append("ConnectPort 1\n"); // none of the tests' ports: every CONNECT refused
        }
        Path file = Files.writeString(dir.resolve("tinyproxy.conf"), conf);
        // as root it would switch to a "nobody" user that cannot write the log here; -d keeps it in the foreground
        Process process = new ProcessBuilder("/usr/bin/tinyproxy", "-d", "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new Tinyproxy(process, log, port);
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tinyproxy ended at once: " + Files.readString(dir.resolve("tinyproxy.out")));
                }
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("tinyproxy did not listen within 10 s");
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
