package io.eflow.edge.hub.upstream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto on free loopback ports, for the upstream link's tests and the hub's benchmark (public for
 * it): written a config in a folder of its own, started, stopped and started again on the same ports (an outage),
 * always stopped by its own PID.
 *
 * <p>By default it keeps nothing across a restart. {@link #keepingSessions} makes it save its sessions (every
 * second, and when stopped), so a test's subscriber with a persistent session gets what was published while it was
 * still reconnecting after a restart: without that, whether the subscriber or the link under test reconnects first
 * would decide what the test sees.
 */
public final class Mosquitto implements AutoCloseable {
    static final String BINARY = "/usr/sbin/mosquitto";

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final OptionalInt tlsPort;
    private Process process;
    private boolean frozen;

    private Mosquitto(Path dir, int port, OptionalInt tlsPort, boolean keepSessions, TestCa ca) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        this.port = port;
        this.tlsPort = tlsPort;
        StringBuilder text = new StringBuilder()
                // as root mosquitto would switch to its own user, who cannot read this folder
                .append("user ").append(System.getProperty("user.name")).append('\n')
                .append("log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n")
                .append("max_queued_messages 0\n");
        if (keepSessions) {
            text.append("persistence true\npersistence_location ").append(dir).append("/\nautosave_interval 1\n");
        } else {
            text.append("persistence false\n");
        }
        text.append("listener ").append(port).append(" 127.0.0.1\nallow_anonymous true\n");
        if (ca != null) {
            text.append("listener ").append(tlsPort.getAsInt()).append(" 127.0.0.1\nallow_anonymous true\n")
                    .append("cafile ").append(ca.caFile()).append('\n')
                    .append("certfile ").append(ca.certificateFile()).append('\n')
                    .append("keyfile ").append(ca.keyFile()).append('\n');
        }
        Files.writeString(config, text);
    }

    /** A broker on a free loopback port that forgets everything when stopped. */
    public static Mosquitto start(Path dir) throws Exception {
        return started(new Mosquitto(dir, freePort(), OptionalInt.empty(), false, null));
    }

    /** A broker that keeps its clients' sessions and queued messages across a stop, or a kill a second after a change. */
    public static Mosquitto keepingSessions(Path dir) throws Exception {
        return started(new Mosquitto(dir, freePort(), OptionalInt.empty(), true, null));
    }

    /** A broker with a plain listener and a TLS one whose certificate {@code ca} signed. */
    static Mosquitto withTls(Path dir, TestCa ca) throws Exception {
        try (ServerSocket one = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket two = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int plain = one.getLocalPort();
            int tls = two.getLocalPort();
            one.close();
            two.close();
            return started(new Mosquitto(dir, plain, OptionalInt.of(tls), false, ca));
        }
    }

    private static Mosquitto started(Mosquitto mosquitto) throws Exception {
        mosquitto.start();
        return mosquitto;
    }

    public int port() {
        return port;
    }

    int tlsPort() {
        return tlsPort.orElseThrow();
    }

    /** Starts the broker (again) on its ports and waits until it listens. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("mosquitto runs already");
        }
        process = new ProcessBuilder(BINARY, "-c", config.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        List<Integer> ports = new ArrayList<>(List.of(port));
        tlsPort.ifPresent(ports::add);
        Instant deadline = Instant.now().plusSeconds(10);
        for (int p : ports) {
            while (!listening(p)) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    String output = Files.readString(log);
                    stop();
                    throw new IllegalStateException("mosquitto did not listen on 127.0.0.1:" + p + ":\n" + output);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops the broker (SIGTERM to its PID, as a service manager would); it saves its sessions if it keeps them. */
    public synchronized void stop() throws Exception {
        if (process == null) {
            return;
        }
        if (frozen) {
            signal("-CONT");
            frozen = false;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    /** Freezes the broker (SIGSTOP): connections stay open, nothing is answered. */
    synchronized void freeze() throws Exception {
        signal("-STOP");
        frozen = true;
    }

    /** Kills the broker outright (SIGKILL), frozen or not: it saves nothing and its connections are reset. */
    synchronized void kill() throws Exception {
        if (process == null) {
            return;
        }
        process.destroyForcibly().waitFor();
        process = null;
        frozen = false;
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** What the broker logged (errors, warnings, notices), for failure messages. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }
}
