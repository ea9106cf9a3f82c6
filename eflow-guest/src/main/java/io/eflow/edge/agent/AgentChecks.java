package io.eflow.edge.agent;

import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.edge.device.CertificateState;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The guest's half of {@code eflow check} (like {@code iotedge check}); the host adds what only it can see. */
final class AgentChecks {
    static final int HUB_PORT = 1883;
    static final long MIN_FREE_BYTES = 512L << 20;
    static final Duration RENEWAL_GRACE = Duration.ofDays(1);
    private final EdgeAgent agent;

    AgentChecks(EdgeAgent agent) {
        this.agent = agent;
    }

    List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("runtime", "edge runtime is up", "ok", "the agent answers"));
        checks.add(hub());
        checks.add(disk(Path.of("/var"), "data partition (/var) has free space"));
        checks.add(disk(Path.of("/logs"), "log partition (/logs) has free space"));
        checks.add(images());
        checks.add(modules());
        Instant now = Instant.now();
        agent.certificates().forEach(certificate -> checks.add(certificate(certificate, now)));
        checks.add(new Check("clock", "guest clock", "ok", now.toString()));
        return checks;
    }

    /**
     * A certificate is fine until its renewal time and a day past it (renewals are checked every ten minutes); later
     * the renewal is failing, which shows while there is still time; expired is an error.
     */
    static Check certificate(CertificateState certificate, Instant now) {
        String id = "certificate-" + certificate.name().toLowerCase(Locale.ROOT).replace(' ', '-');
        String description = certificate.name() + " is valid and renews ahead of expiry";
        Duration left = Duration.between(now, certificate.notAfter());
        String expires = "expires " + certificate.notAfter() + " (in " + left.toDays() + " days)";
        if (left.isNegative() || left.isZero()) {
            return new Check(id, description, "error", "expired at " + certificate.notAfter() + ": TLS clients refuse it");
        }
        if (now.isAfter(certificate.renewsAt().plus(RENEWAL_GRACE))) {
            return new Check(id, description, "warning", expires + "; it was due for renewal at " + certificate.renewsAt()
                    + " and is not renewed yet: the edge runtime's log says why (eflow logs collects it)");
        }
        return new Check(id, description, "ok", expires + ", renews from " + certificate.renewsAt());
    }

    private static Check hub() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", HUB_PORT), 1000);
            return new Check("hub", "edge hub answers on port " + HUB_PORT, "ok", "connected");
        } catch (IOException e) {
            return new Check("hub", "edge hub answers on port " + HUB_PORT, "error", "cannot connect: " + e.getMessage());
        }
    }

    private static Check disk(Path where, String description) {
        try {
            FileStore store = Files.getFileStore(where);
            long free = store.getUsableSpace();
            long total = store.getTotalSpace();
            String detail = (free >> 20) + " MiB free of " + (total >> 20) + " MiB";
            boolean low = free < MIN_FREE_BYTES || free * 10 < total;
            return new Check("disk" + where.toString().replace('/', '-'), description, low ? "warning" : "ok", detail);
        } catch (IOException e) {
            return new Check("disk" + where, description, "error", e.getMessage());
        }
    }

    /** Re-hashes every stored blob: a bit flipped on the data disk shows here, not as a module that acts oddly. */
    private Check images() {
        List<String> bad = new ArrayList<>();
        int count = 0;
        try (var blobs = Files.list(agent.images().root().resolve("blobs").resolve("sha256"))) {
            for (Path blob : (Iterable<Path>) blobs::iterator) {
                count++;
                if (!sha256(blob).equals(blob.getFileName().toString())) {
                    bad.add("sha256:" + blob.getFileName());
                }
            }
        } catch (IOException e) {
            return new Check("images", "stored images match their digests", "error", e.getMessage());
        }
        return bad.isEmpty()
                ? new Check("images", "stored images match their digests", "ok", count + " blobs verified")
                : new Check("images", "stored images match their digests", "error", "corrupt: " + String.join(", ", bad));
    }

    private Check modules() {
        Map<String, ModuleReport> modules = agent.modules();
        List<String> troubled = new ArrayList<>();
        modules.forEach((name, report) -> {
            if (report.status().equals("running") && !report.runtimeStatus().equals("running")) {
                troubled.add(name + " " + report.runtimeStatus() + " (" + report.statusDescription() + ")");
            }
        });
        return troubled.isEmpty()
                ? new Check("modules", "deployed modules are running", "ok", modules.size() + " modules")
                : new Check("modules", "deployed modules are running", "warning", String.join("; ", troubled));
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
