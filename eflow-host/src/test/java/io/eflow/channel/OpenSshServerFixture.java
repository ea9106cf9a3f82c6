package io.eflow.channel;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real OpenSSH sshd behind a UNIX socket, configured like the guest's: socat accepts, and each connection runs
 * {@code sshd -i}. The host has no openssh-server package (installing it would start a host sshd), so the fixture
 * unpacks Debian's package into a temporary directory. The login user and sshd's privilege-separation user exist
 * only inside each sshd's private mount namespace (bind-mounted copies of passwd, group and shadow, a tmpfs /run):
 * the host's account database and /run are never changed, even if a test run dies half-way.
 */
final class OpenSshServerFixture implements AutoCloseable {
    static final Path DEB_CACHE = Path.of(System.getProperty("eflow.test.debs", "/var/cache/eflow/test-debs"));
    static final String PASSWORD = "correct horse battery staple";

    final Path dir;
    final Path socket;
    final String user;
    final GuestHostKey hostKey;
    final UserCertificateAuthority ca;
    private final Path connectionsLog;
    private final Path sshdLog;
    private Process socat;

    private OpenSshServerFixture(Path dir) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("guest.sock");
        this.user = "eflowtest" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        this.hostKey = GuestHostKey.generate();
        this.ca = UserCertificateAuthority.loadOrCreate(dir.resolve("ca"));
        this.connectionsLog = dir.resolve("connections.log");
        this.sshdLog = dir.resolve("sshd.log");
    }

    static OpenSshServerFixture start() throws IOException {
        Path dir = Files.createTempDirectory("eflow-sshd-");
        // the login user walks through here to its home directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        OpenSshServerFixture fixture = new OpenSshServerFixture(dir);
        try {
            fixture.prepare();
            fixture.serve();
            return fixture;
        } catch (IOException | RuntimeException e) {
            fixture.close();
            throw e;
        }
    }

    GuestEndpoint endpoint(String name) {
        return new GuestEndpoint(name, socket, hostKey.publicKey(), user);
    }

    Path home() {
        return dir.resolve("home");
    }

    /** How many SSH connections sshd has been started for so far. */
    int connections() throws IOException {
        return Files.exists(connectionsLog) ? Files.readAllLines(connectionsLog).size() : 0;
    }

    String sshdLog() throws IOException {
        return Files.exists(sshdLog) ? Files.readString(sshdLog) : "";
    }

    /** Kills socat and every sshd it started, then serves again on the same socket: a guest restart, as seen from the host. */
    void restart() throws IOException {
        stopServing();
        serve();
    }

    @Override
    public void close() throws IOException {
        try {
            stopServing();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private void prepare() throws IOException {
        Path root = dir.resolve("root");
        Exec.of("dpkg", "-x", openSshServerDeb().toString(), root.toString()).check();
        Path sshd = root.resolve("usr/sbin/sshd");
        List<String> missing = Exec.of("ldd", sshd.toString()).check().stdout().lines()
                .filter(line -> line.contains("not found")).map(String::strip).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the unpacked sshd needs libraries this host lacks: " + missing
                    + "; install their Debian packages (apt-get install <package>) and rerun");
        }

        hostKey.writeForSshd(dir.resolve("ssh_host_ed25519_key"));
        Files.writeString(dir.resolve("eflow_user_ca.pub"), ca.publicKeyLine() + "\n");
        Files.createDirectories(home());

        int uid = freeId();
        Exec.of("chown", uid + ":" + uid, home().toString()).check();
        String passwordHash = Exec.of("openssl", "passwd", "-6", "-stdin").input(PASSWORD + "\n").check().stdout().strip();
        writeAccounts(uid, passwordHash);

        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "# as in the guest",
                "HostKey " + dir.resolve("ssh_host_ed25519_key"),
                "TrustedUserCAKeys " + dir.resolve("eflow_user_ca.pub"),
                "AuthorizedKeysFile none",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AuthenticationMethods publickey",
                "PermitRootLogin no",
                "Subsystem sftp internal-sftp",
                "MaxSessions 64",
                "# for running outside the guest",
                "UsePAM no",
                "PidFile none",
                "LogLevel VERBOSE",
                "") + "\n");

        Path serveOne = dir.resolve("serve-connection.sh");
        Files.writeString(serveOne, String.join("\n",
                "#!/bin/sh",
                "# one SSH connection: count it, then run sshd -i in a mount namespace that has the test accounts",
                "echo $$ >> " + connectionsLog,
                "exec unshare --mount sh -c '"
                        + "mount --bind " + dir.resolve("passwd") + " /etc/passwd && "
                        + "mount --bind " + dir.resolve("group") + " /etc/group && "
                        + "mount --bind " + dir.resolve("shadow") + " /etc/shadow && "
                        + "mount -t tmpfs -o mode=0755 eflow-test-run /run && "
                        + "mkdir -m 0755 /run/sshd && "
                        + "exec " + sshd + " -i -f " + dir.resolve("sshd_config") + " -E " + sshdLog + "'",
                ""));
        Files.setPosixFilePermissions(serveOne, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void writeAccounts(int uid, String passwordHash) throws IOException {
        List<String> passwd = new ArrayList<>(Files.readAllLines(Path.of("/etc/passwd")));
        List<String> group = new ArrayList<>(Files.readAllLines(Path.of("/etc/group")));
        List<String> shadow = new ArrayList<>(Files.readAllLines(Path.of("/etc/shadow")));
        if (passwd.stream().noneMatch(line -> line.startsWith("sshd:"))) {
            // OpenSSH drops privileges to this compiled-in user before authentication
            passwd.add("sshd:x:" + (uid + 1) + ":65534::/run/sshd:/usr/sbin/nologin");
        }
        passwd.add(user + ":x:" + uid + ":" + uid + "::" + home() + ":/bin/sh");
        group.add(user + ":x:" + uid + ":");
        // a real password, so that refusing a password login proves the configuration, not a wrong guess;
        // and not "!": without PAM, sshd treats such an account as locked and refuses even certificates
        shadow.add(user + ":" + passwordHash + ":19000:0:99999:7:::");
        Files.write(dir.resolve("passwd"), passwd);
        Files.write(dir.resolve("group"), group);
        Files.write(dir.resolve("shadow"), shadow);
        Files.setPosixFilePermissions(dir.resolve("shadow"), PosixFilePermissions.fromString("rw-r-----"));
    }

    private void serve() throws IOException {
        Files.deleteIfExists(socket);
        socat = new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork",
                "EXEC:" + dir.resolve("serve-connection.sh"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("socat.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(socket)) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("socat did not start listening on " + socket + ": "
                        + Files.readString(dir.resolve("socat.log")));
            }
            sleep(10);
        }
    }

    /** By PID: every sshd and shell socat forked, then socat itself. */
    private void stopServing() {
        Process running = socat;
        socat = null;
        if (running == null) {
            return;
        }
        List<ProcessHandle> children = running.descendants().toList();
        running.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            running.waitFor();
            for (ProcessHandle child : children) {
                child.onExit().get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the test sshd", e);
        }
    }

    private static Path openSshServerDeb() throws IOException {
        Files.createDirectories(DEB_CACHE);
        Path deb = cachedDeb();
        if (deb == null) {
            // as root, apt's download sandbox user cannot write here; the package is verified by apt either way
            Exec.of("apt-get", "download", "-o", "APT::Sandbox::User=root", "openssh-server").in(DEB_CACHE).check();
            deb = cachedDeb();
        }
        assertThat(deb).as("openssh-server .deb in " + DEB_CACHE).isNotNull();
        return deb;
    }

    private static Path cachedDeb() throws IOException {
        try (Stream<Path> files = Files.list(DEB_CACHE)) {
            return files.filter(p -> p.getFileName().toString().matches("openssh-server_.*\\.deb")).findFirst().orElse(null);
        }
    }

    private static int freeId() throws IOException {
        List<String> used = Stream.concat(Files.readAllLines(Path.of("/etc/passwd")).stream(),
                        Files.readAllLines(Path.of("/etc/group")).stream())
                .map(line -> line.split(":"))
                .filter(fields -> fields.length > 2)
                .map(fields -> fields[2])
                .toList();
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 61000 + random.nextInt(3000);
            if (!used.contains(String.valueOf(candidate)) && !used.contains(String.valueOf(candidate + 1))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free uid found for the test user");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
