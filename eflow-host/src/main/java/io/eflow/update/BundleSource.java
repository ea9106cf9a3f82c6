package io.eflow.update;

import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.proxy.ProxySettings;
import io.eflow.platform.CountingInputStream;
import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;
import io.eflow.platform.TrustedCa;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Update sources on the network: HTTPS only, trusting the JDK's certificate authorities or, when given, one PEM
 * certificate (a private update server's CA or its own certificate). What arrives is still checked against the
 * release signatures; HTTPS keeps the listing private and whole, it does not replace them.
 */
public final class BundleSource {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** A catalog of headers is kilobytes per bundle; more is not a catalog. */
    private static final long MAX_CATALOG = 16L << 20;

    private BundleSource() {
    }

    /** Fetches {@code catalog.json} from the folder URL {@code base} ({@code https://host/updates/}). */
    public static UpdateCatalog catalog(URI base, Path caPemOrNull, ProxySelector proxy) {
        URI url = folder(base).resolve(UpdateCatalog.FILE);
        try (InputStream body = get(url, caPemOrNull, proxy).body()) {
            byte[] json = body.readNBytes((int) MAX_CATALOG + 1);
            if (json.length > MAX_CATALOG) {
                throw new EflowException(url + " is larger than " + (MAX_CATALOG >> 20) + " MiB: not an update catalog");
            }
            return UpdateCatalog.parse(json);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Downloads one bundle to {@code target}, which appears only once the download is complete. When the server
     * says how long it is, {@code progress} hears the bytes as {@code step}.
     */
    public static Path fetch(URI url, Path target, Path caPemOrNull, ProxySelector proxy, Progress progress, String step) {
        HttpResponse<InputStream> response = get(url, caPemOrNull, proxy);
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        try (InputStream body = new CountingInputStream(response.body(), progress, step, length);
             AtomicFile file = AtomicFile.create(target.toAbsolutePath())) {
            body.transferTo(Channels.newOutputStream(file.channel()));
            file.commit();
            return target;
        } catch (IOException e) {
            throw EflowException.failure("cannot download " + url + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** A source URL as a folder, so relative names resolve inside it ({@code …/updates} means {@code …/updates/}). */
    public static URI folder(URI base) {
        requireHttps(base);
        String text = base.toString();
        return text.endsWith("/") ? base : URI.create(text + "/");
    }

    public static void requireHttps(URI url) {
        if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("https") || url.getHost() == null) {
            throw new EflowException("update source " + url + " is not an https:// URL: eflow fetches updates over HTTPS only");
        }
    }

    /** @param proxy the instance's proxy (eflow proxy set): the download is tunnelled through it with CONNECT */
    private static HttpResponse<InputStream> get(URI url, Path caPemOrNull, ProxySelector proxy) {
        requireHttps(url);
        HttpClient client = HttpClient.newBuilder()
                .proxy(proxy)
                .sslContext(TrustedCa.sslContext(caPemOrNull))
                .connectTimeout(CONNECT_TIMEOUT)
                // NORMAL never follows a redirect from https to http.
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new EflowException(response.statusCode() == 404 ? 404 : 502,
                        "GET " + url + " answered HTTP " + response.statusCode());
            }
            return response;
        } catch (IOException e) {
            throw EflowException.failure("cannot reach " + url + ProxySettings.through(proxy, url) + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EflowException.failure("interrupted while fetching " + url, e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
