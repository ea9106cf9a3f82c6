package io.eflow.edge.cloud;

import io.eflow.edge.proxy.GuestProxy;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An Azure Storage blob container the cloud lends the device by a SAS URL ({@code https://<account>/<container>?sv=…
 * &sig=…}), written with Azure Storage's Put Blob: {@code PUT <container>/<blob>?<SAS>} with {@code x-ms-blob-type:
 * BlockBlob}. TLS trusts what the device trusts for IoT Hub ({@link TrustBundle}): Azure's public CAs, or the private
 * CA of a hub of one's own. The SAS is a credential: no message or {@code toString} carries its query.
 */
final class BlobContainer {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    /** Generous for a support bundle over a slow uplink; the task fails rather than hangs. */
    private static final Duration PUT = Duration.ofMinutes(10);
    private static final Pattern SIGNATURE = Pattern.compile("(?i)sig=[^&\\s]*");

    private final URI container;

    private BlobContainer(URI container) {
        this.container = container;
    }

    /** @throws IllegalArgumentException with a one-line message that never quotes the signature */
    static BlobContainer of(Optional<String> sasUrl) {
        if (sasUrl.isEmpty() || sasUrl.get().isBlank()) {
            throw new IllegalArgumentException("needs sasUrl: a container's SAS URL with write access (https://…/<container>?…&sig=…)");
        }
        URI uri;
        try {
            uri = new URI(sasUrl.get().strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("sasUrl is not a URL: " + redact(e.getReason()));
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("sasUrl must be an https:// URL of a blob container, not " + uri.getScheme() + "://…");
        }
        if (uri.getRawPath() == null || uri.getRawPath().replace("/", "").isEmpty()) {
            throw new IllegalArgumentException("sasUrl names no container: https://" + uri.getRawAuthority() + "/<container>?…");
        }
        if (uri.getRawQuery() == null || !SIGNATURE.matcher(uri.getRawQuery()).find()) {
            throw new IllegalArgumentException("sasUrl has no shared access signature (…?…&sig=…)");
        }
        return new BlobContainer(uri);
    }

    /** A client for one task's puts, trusting what {@code tls} trusts. */
    static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder().proxy(GuestProxy.INSTANCE.selector()).sslContext(tls).connectTimeout(CONNECT).build();
    }

    /** Writes one block blob; an answer other than 201 Created throws, naming the status and Azure's error code. */
    void put(HttpClient http, String blob, byte[] content, String mediaType, Optional<String> encoding) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(blobUri(blob)).timeout(PUT)
                .header("x-ms-blob-type", "BlockBlob").header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        encoding.ifPresent(value -> request.header("x-ms-blob-content-encoding", value));
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IOException(redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the upload of blob " + blob + " was interrupted", e);
        }
        if (response.statusCode() != 201) {
            // Azure's error code says what is wrong (AuthenticationFailed, ContainerNotFound…); its body may quote the request
            throw new IOException(this + " answered " + response.statusCode() + " to blob " + blob
                    + response.headers().firstValue("x-ms-error-code").map(code -> " (" + code + ")").orElse(""));
        }
    }

    /** The blob's URL: the container's, the blob's name under it (each part encoded), the SAS as it was given. */
    URI blobUri(String blob) {
        StringBuilder path = new StringBuilder(container.getRawPath().replaceAll("/+$", ""));
        for (String part : blob.split("/")) {
            path.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(container.getScheme() + "://" + container.getRawAuthority() + path + "?" + container.getRawQuery());
    }

    private static String redact(String message) {
        return message == null ? "" : SIGNATURE.matcher(message).replaceAll("sig=…");
    }

    /** Where it is, without the SAS. */
    @Override
    public String toString() {
        return "https://" + container.getRawAuthority() + container.getRawPath();
    }
}
