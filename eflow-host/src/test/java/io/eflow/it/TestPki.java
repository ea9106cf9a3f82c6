package io.eflow.it;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device certificates as an operator makes them, with Debian's openssl: a CA, leaves it signs (the common name is the
 * device's registration id), self-signed devices. Each lands in a folder of its own as {@code cert.pem} and
 * {@code key.pem}.
 */
record TestPki(Path folder) {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    Path authority(String name) throws IOException {
        Path dir = next(name);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
        return dir;
    }

    Path leaf(Path authority, String commonName) throws IOException {
        Path dir = next(commonName);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + commonName,
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("request.csr").toString());
        openssl("x509", "-req", "-in", dir.resolve("request.csr").toString(), "-days", "1",
                "-CA", authority.resolve("cert.pem").toString(), "-CAkey", authority.resolve("key.pem").toString(),
                "-set_serial", Integer.toString(1000 + SERIAL.incrementAndGet()), "-out", dir.resolve("cert.pem").toString());
        return dir;
    }

    Path selfSigned(String commonName) throws IOException {
        Path dir = next(commonName);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=" + commonName, "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString());
        return dir;
    }

    /** The SHA-256 thumbprint as IoT Hub takes it: hex, upper case, no colons. */
    String thumbprint(Path certificate) {
        String out = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", certificate.toString());
        return out.substring(out.indexOf('=') + 1).strip().replace(":", "").toUpperCase(Locale.ROOT);
    }

    private Path next(String name) throws IOException {
        Path dir = folder.resolve(name + "-" + SERIAL.incrementAndGet());
        Files.createDirectories(dir);
        return dir;
    }

    private static String openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Exec.Result result = Exec.of(command).run();
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.stderr()).isZero();
        return result.stdout();
    }
}
