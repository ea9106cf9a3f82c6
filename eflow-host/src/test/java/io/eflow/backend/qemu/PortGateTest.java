package io.eflow.backend.qemu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gate against stand-ins for QEMU's port sockets (one connection at a time, like a chardev server): each accepted
 * connection is a guest that may say something stale first, then the ready line, then echoes lines tagged with its
 * port. The real guest side is exercised by the qemu integration tests.
 */
class PortGateTest {
    @TempDir
    Path dir;
    private final ExecutorService guests = Executors.newCachedThreadPool();
    private final List<PortGate> gates = new ArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> sessionsNow = new ConcurrentHashMap<>();
    private final AtomicInteger overlaps = new AtomicInteger();

    @AfterEach
    void stop() {
        gates.forEach(PortGate::close);
        guests.shutdownNow();
    }

    enum Guest { READY, STALE_THEN_READY, SILENT }

    private Path port(String name, Guest behaviour) throws IOException {
        Path socket = dir.resolve(name + ".sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 1);
        guests.execute(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (SocketChannel session = server.accept()) {
                    if (sessionsNow.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        serveSession(name, behaviour, session);
                    } finally {
                        sessionsNow.get(name).decrementAndGet();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket;
    }

    private static void serveSession(String name, Guest behaviour, SocketChannel session) throws IOException {
        OutputStream out = Channels.newOutputStream(session);
        if (behaviour == Guest.SILENT) {
            Channels.newInputStream(session).read(); // holds the port until the host leaves, like a stale sshd
            return;
        }
        if (behaviour == Guest.STALE_THEN_READY) {
            out.write("bye from the last session\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(PortAttach.READY);
        out.write(("banner " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = Channels.newInputStream(session);
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            line.append((char) b);
            if (b == '\n') {
                out.write((name + ":" + line).getBytes(StandardCharsets.US_ASCII));
                line.setLength(0);
            }
        }
    }

    private PortGate gate(List<Path> ports) {
        PortGate gate = PortGate.open("t", dir.resolve("ssh.sock"), ports, dir.resolve("gate.lock"), Duration.ofSeconds(20)).orElseThrow();
        gates.add(gate);
        return gate;
    }

    /** One session through the gate: the banner, then one echoed line; returns "banner PORT / PORT:msg". */
    private String session(Path socket, String message, long holdMillis) throws Exception {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            InputStream in = Channels.newInputStream(client);
            String banner = readLine(in);
            Channels.newOutputStream(client).write((message + "\n").getBytes(StandardCharsets.US_ASCII));
            String echo = readLine(in);
            Thread.sleep(holdMillis);
            return banner + " / " + echo;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    @Test
    void moreClientsThanPortsAreAllServedEachOnAPortOfItsOwn() throws Exception {
        PortGate gate = gate(List.of(port("p0", Guest.READY), port("p1", Guest.READY)));
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String message = "m" + i;
                answers.add(clients.submit(() -> session(gate.socket(), message, 200)));
            }
            for (int i = 0; i < 6; i++) {
                assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).matches("banner (p[01]) / \\1:m" + i);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(overlaps.get()).as("two sessions on one port at once").isZero();
        // a port goes back to the gate once its pump has seen the client close, a moment after the client's side ends
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gate.freePorts()).isEqualTo(2));
    }

    @Test
    void whatAStaleSessionSaysBeforeTheReadyLineIsDropped() throws Exception {
        PortGate gate = gate(List.of(port("p0", Guest.STALE_THEN_READY)));
        assertThat(session(gate.socket(), "hello", 0)).isEqualTo("banner p0 / p0:hello");
        assertThat(session(gate.socket(), "again", 0)).isEqualTo("banner p0 / p0:again");
    }

    @Test
    void aPortWhoseGuestNeverSaysReadyIsLeftForAnother() throws Exception {
        PortGate gate = gate(List.of(port("p0", Guest.SILENT), port("p1", Guest.READY)));
        long start = System.nanoTime();
        assertThat(session(gate.socket(), "x", 0)).isEqualTo("banner p1 / p1:x");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PortAttach.ATTEMPT.plusSeconds(2));
    }

    @Test
    void oneProcessServesAGateAtATime() throws Exception {
        gate(List.of(port("p0", Guest.READY)));
        // FileChannel locks are per process: another process is simulated by a second channel in a child JVM
        Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), dir.resolve("gate.lock").toString()).redirectErrorStream(true).start();
        assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("held");
    }

    /** Run in a child JVM: tries the gate's lock the way a second daemon would. */
    public static final class LockProbe {
        public static void main(String[] args) {
            Optional<PortGate> gate = PortGate.open("t", Path.of(args[0]).resolveSibling("other.sock"), List.of(),
                    Path.of(args[0]));
            System.out.println(gate.isPresent() ? "taken" : "held");
            gate.ifPresent(PortGate::close);
        }
    }
}
