package io.eflow.edge.image;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (distribution 2.8) on a free loopback port, with images pushed into it through the plain
 * HTTP API: monolithic blob uploads and manifest PUTs.
 */
public final class TestRegistry implements AutoCloseable {
    static final String BINARY = "/usr/bin/docker-registry";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Process process;
    private final String address;
    private final Optional<String> authorization;
    private final Path log;
    private final Map<String, Integer> manifestSizes = new ConcurrentHashMap<>();

    private TestRegistry(Process process, String address, Optional<String> authorization, Path log) {
        this.process = process;
        this.address = address;
        this.authorization = authorization;
        this.log = log;
    }

    /** An open registry. */
    public static TestRegistry start(Path dir) throws Exception {
        return start(dir, null, null);
    }

    /** A registry that wants Basic logins; user null for an open one. */
    public static TestRegistry start(Path dir, String user, String password) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        String auth = "";
        Optional<String> authorization = Optional.empty();
        if (user != null) {
            Path htpasswd = dir.resolve("htpasswd");
            // bcrypt is the only hash distribution's htpasswd accepts; cost 4 keeps logins fast.
            Process hash = new ProcessBuilder("htpasswd", "-nbB", "-C", "4", user, password).start();
            String line = new String(hash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (hash.waitFor() != 0 || line.isEmpty()) {
                throw new IllegalStateException("htpasswd (apache2-utils) failed; run scripts/install-host-deps");
            }
            Files.writeString(htpasswd, line + "\n");
            auth = "auth:\n  htpasswd:\n    realm: eflow-test\n    path: " + htpasswd + "\n";
            authorization = Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                + "http:\n  addr: " + address + "\n" + auth);
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY, "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestRegistry registry = new TestRegistry(process, address, authorization, log);
        registry.awaitReady();
        return registry;
    }

    private void awaitReady() throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + address + ": " + Files.readString(log));
    }

    public String address() {
        return address;
    }

    /** Uploads a blob in one request; returns its digest. */
    String pushBlob(String repository, byte[] content) throws Exception {
        String digest = Digests.of(content);
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI upload = uri("/").resolve(location);
        String separator = upload.getQuery() == null ? "?" : "&";
        expect(send(HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))), 201);
        return digest;
    }

    /** Puts a manifest under a tag (or its digest); returns its digest. */
    String pushManifest(String repository, String reference, String mediaType, byte[] manifest) throws Exception {
        expect(send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))), 201);
        manifestSizes.put(Digests.of(manifest), manifest.length);
        return Digests.of(manifest);
    }

    /** The size of a manifest pushed earlier, for the index that names it. */
    int manifestSize(String digest) {
        return manifestSizes.get(digest);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        authorization.ifPresent(a -> request.header("Authorization", a));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
