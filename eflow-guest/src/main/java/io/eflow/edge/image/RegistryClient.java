package io.eflow.edge.image;

import io.eflow.contract.manifest.ImageReference;
import io.eflow.contract.manifest.RegistryCredential;
import io.eflow.contract.proxy.ProxySettings;
import io.eflow.edge.proxy.GuestProxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Pulls images over the Docker Registry HTTP API v2 (the OCI distribution spec) into a {@link BlobStore}: the
 * manifest (through an index to this platform's entry), the config and the layers, each verified against its
 * digest as it streams in. Blobs already in the store are not fetched again.
 *
 * <p>Requests go out anonymously first and answer a 401 once (Basic or Bearer, see {@link RegistryAuth}). Loopback
 * registries and those named insecure are spoken to over http, every other one over https.
 */
public final class RegistryClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_REDIRECTS = 5;
    private final HttpClient http;
    private final RegistryAuth auth;
    private final Set<String> insecureRegistries;
    /** The instance's proxy (eflow proxy set), asked afresh for each request. */
    private final ProxySelector proxy = GuestProxy.INSTANCE.selector();
    private final Platform platform;

    /**
     * @param insecureRegistries host or host:port of registries to reach over plain http
     * @param credentials        logins by registry address (host[:port])
     */
    public RegistryClient(Set<String> insecureRegistries, Collection<RegistryCredential> credentials) {
        this(insecureRegistries, credentials, Platform.host());
    }

    public RegistryClient(Set<String> insecureRegistries, Collection<RegistryCredential> credentials, Platform platform) {
        // Redirects are followed by hand: a blob's redirect target (a CDN, object storage) must not get our login.
        this.http = HttpClient.newBuilder().proxy(proxy).connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.auth = new RegistryAuth(http, credentials);
        this.insecureRegistries = Set.copyOf(insecureRegistries);
        this.platform = platform;
    }

    /** How far a pull got: bytes of the image's config and layers in the store, of all of them. */
    @FunctionalInterface
    public interface PullProgress {
        void bytes(long done, long total);
    }

    /** Fetches what the store lacks of the image and records the reference; returns the image as stored. */
    public PulledImage pull(ImageReference reference, BlobStore store) {
        return pull(reference, store, (done, total) -> { });
    }

    /** As above, telling {@code progress} the bytes stored as the blobs stream in (blobs stored before count as done). */
    public PulledImage pull(ImageReference reference, BlobStore store, PullProgress progress) {
        Repository repo = new Repository(reference.registry(), reference.repository(), baseUri(reference.registry()));
        String wanted = reference.digest().orElseGet(() -> reference.tag().orElseThrow());
        Fetched fetched = fetchManifest(repo, wanted, reference);
        reference.digest().filter(d -> !d.equals(fetched.digest())).ifPresent(d -> {
            throw new ImageException("the manifest the registry sent for " + reference + " hashes to " + fetched.digest());
        });
        ImageManifest manifest = fetched.manifest();
        Fetched chosen = fetched;
        if (manifest.isIndex()) {
            Descriptor entry = manifest.manifests().stream()
                    .filter(m -> m.platform().filter(platform::equals).isPresent())
                    .findFirst()
                    .orElseThrow(() -> new ImageException(reference + " has no image for " + platform + " (it offers "
                            + manifest.manifests().stream().map(m -> m.platform().map(Platform::toString).orElse("?")).toList() + ")"));
            chosen = fetchManifest(repo, entry.digest(), reference);
            if (!chosen.digest().equals(entry.digest())) {
                throw new ImageException("the " + platform + " manifest of " + reference + " does not match its digest " + entry.digest());
            }
            if (chosen.manifest().isIndex()) {
                throw new ImageException("the " + platform + " entry of " + reference + " is another index; eflow follows one level");
            }
        }
        ImageManifest image = chosen.manifest();
        Descriptor config = image.config().orElseThrow();
        long total = config.size() + image.layers().stream().mapToLong(Descriptor::size).sum();
        long[] done = {0};
        LongConsumer stored = n -> {
            done[0] += n;
            progress.bytes(done[0], total);
        };
        progress.bytes(0, total);
        fetchBlob(repo, config, store, "config of " + reference, stored);
        for (Descriptor layer : image.layers()) {
            fetchBlob(repo, layer, store, "layer " + layer.digest() + " of " + reference, stored);
        }
        // The manifest goes in last: a stored manifest promises that everything it names is stored too.
        store.put(chosen.digest(), chosen.body(), "manifest of " + reference);
        store.record(reference.toString(), chosen.digest());
        return new PulledImage(reference, chosen.digest(), image);
    }

    private Fetched fetchManifest(Repository repo, String tagOrDigest, ImageReference reference) {
        URI uri = repo.uri("manifests/" + tagOrDigest);
        HttpResponse<InputStream> response = get(repo, uri, String.join(", ", ImageManifest.ACCEPTED));
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw new ImageException("image " + reference + " not found: registry " + repo.registry()
                        + " has no manifest " + tagOrDigest + " in " + repo.name());
            }
            expectOk(response, uri);
            byte[] bytes = body.readAllBytes();
            String contentType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
            return new Fetched(ImageManifest.parse(bytes, contentType), bytes, Digests.of(bytes));
        } catch (IOException e) {
            throw new ImageException("the manifest of " + reference + " broke off in transfer: " + e.getMessage(), e);
        }
    }

    /** @param stored hears the bytes of the blob as they are stored, or all of them at once when it was stored before */
    private void fetchBlob(Repository repo, Descriptor blob, BlobStore store, String what, LongConsumer stored) {
        if (store.has(blob.digest())) {
            stored.accept(blob.size());
            return;
        }
        URI uri = repo.uri("blobs/" + blob.digest());
        HttpResponse<InputStream> response = get(repo, uri, "*/*");
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw new ImageException(what + " not found: registry " + repo.registry() + " has no such blob");
            }
            expectOk(response, uri);
            store.put(blob.digest(), blob.size(), new CountedBody(body, stored), what);
        } catch (IOException e) {
            throw new ImageException("the transfer of " + what + " broke off: " + e.getMessage(), e);
        }
    }

    /** A blob's body that tells how much of it was read (and so stored, as the store writes what it reads). */
    private static final class CountedBody extends FilterInputStream {
        private final LongConsumer read;

        CountedBody(InputStream in, LongConsumer read) {
            super(in);
            this.read = read;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                read.accept(n);
            }
            return n;
        }
    }

    /** A GET that answers one authentication challenge and follows redirects. */
    private HttpResponse<InputStream> get(Repository repo, URI uri, String accept) {
        HttpResponse<InputStream> response = send(uri, accept, auth.cached(repo.registry(), repo.name()));
        if (response.statusCode() == 401) {
            close(response);
            String header = auth.answer(response.headers().allValues("WWW-Authenticate"), repo.registry(), repo.name());
            response = send(uri, accept, Optional.of(header));
            if (response.statusCode() == 401) {
                close(response);
                throw new ImageException(auth.hasCredential(repo.registry())
                        ? "registry " + repo.registry() + " refused the login for " + repo.name()
                                + " (HTTP 401): check the user name and password in registryCredentials"
                        : "registry " + repo.registry() + " refused anonymous access to " + repo.name()
                                + " (HTTP 401): the image does not exist or needs a login in registryCredentials");
            }
        }
        for (int hops = 0; isRedirect(response.statusCode()); hops++) {
            close(response);
            if (hops == MAX_REDIRECTS) {
                throw new ImageException("registry " + repo.registry() + " redirected " + uri + " more than " + MAX_REDIRECTS + " times");
            }
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow(() ->
                    new ImageException("registry " + repo.registry() + " redirected " + uri + " without a Location")));
            boolean sameOrigin = next.getScheme().equals(uri.getScheme()) && next.getAuthority().equals(uri.getAuthority());
            response = send(next, accept, sameOrigin ? auth.cached(repo.registry(), repo.name()) : Optional.empty());
        }
        return response;
    }

    private HttpResponse<InputStream> send(URI uri, String accept, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", accept);
        authorization.ifPresent(a -> request.header("Authorization", a));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ImageException("cannot reach registry at " + uri.getAuthority() + ProxySettings.through(proxy, uri) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while fetching " + uri, e);
        }
    }

    private void expectOk(HttpResponse<InputStream> response, URI uri) {
        if (response.statusCode() != 200) {
            throw new ImageException("registry answered HTTP " + response.statusCode() + " for " + uri + ProxySettings.through(proxy, uri));
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }

    private URI baseUri(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.split(":")[0];
        boolean plain = insecureRegistries.contains(registry) || insecureRegistries.contains(host) || isLoopback(host);
        // Docker Hub's references say docker.io; its API lives elsewhere.
        String authority = registry.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
        return URI.create((plain ? "http" : "https") + "://" + authority + "/v2/");
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    /** Where a repository's API lives. */
    private record Repository(String registry, String name, URI base) {
        URI uri(String path) {
            return base.resolve(name + "/" + path);
        }
    }

    private record Fetched(ImageManifest manifest, byte[] body, String digest) {
    }
}
