package io.eflow.iothub.emulator.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A blob store just big enough for IoT Edge's log and support-bundle uploads: container SAS URLs minted by the
 * service side (the shape of Azure Storage's, {@code ?sv=…&sr=c&sp=rw&se=…&sig=…}), a PUT of a blob under the
 * container with such a signature, a GET to read it back, and the names in a container (for the tests, which cannot
 * know the time an upload puts in its blob's name). Kept in memory: uploads are for the run that asked.
 */
final class Blobs {
    private final String key;
    private final Clock clock;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    Blobs(String base64Key, Clock clock) {
        this.key = base64Key;
        this.clock = clock;
    }

    /** The query string of a SAS for {@code container}, valid for {@code validity}. */
    String containerSas(String container, Duration validity) {
        long expiry = clock.instant().plus(validity).getEpochSecond();
        return "sv=2020-08-04&sr=c&sp=rw&se=" + expiry + "&sig=" + urlSafe(signature(container, expiry));
    }

    /** Whether {@code query} is a valid, unexpired SAS for {@code container}. */
    boolean authorized(String container, Map<String, String> query) {
        Optional<Long> expiry = Optional.ofNullable(query.get("se")).filter(s -> s.matches("\\d{1,12}")).map(Long::parseLong);
        String sig = query.get("sig");
        if (expiry.isEmpty() || sig == null || expiry.get() <= clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(signature(container, expiry.get()).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII));
    }

    void put(String container, String name, byte[] content) {
        blobs.put(container + "/" + name, content.clone());
    }

    /** The names of the blobs in {@code container}, sorted. */
    List<String> names(String container) {
        String prefix = container + "/";
        return blobs.keySet().stream().filter(key -> key.startsWith(prefix)).map(key -> key.substring(prefix.length()))
                .sorted().toList();
    }

    Optional<byte[]> get(String container, String name) {
        return Optional.ofNullable(blobs.get(container + "/" + name)).map(byte[]::clone);
    }

    private String signature(String container, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
            byte[] digest = mac.doFinal(("blob\n" + container + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String urlSafe(String base64) {
        return base64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
    }
}
