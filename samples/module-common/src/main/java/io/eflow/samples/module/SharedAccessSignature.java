package io.eflow.samples.module;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the SAS token a module logs in to its edge hub with, as IoT Hub's SDKs do: HMAC-SHA256 under the module's
 * key over the URL-encoded resource URI, a newline and the expiry in epoch seconds.
 */
final class SharedAccessSignature {
    private SharedAccessSignature() {
    }

    static String sign(String resource, String base64Key, Instant expiry) {
        String encoded = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        long seconds = expiry.getEpochSecond();
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            byte[] digest = hmac.doFinal((encoded + "\n" + seconds).getBytes(StandardCharsets.UTF_8));
            String signature = URLEncoder.encode(Base64.getEncoder().encodeToString(digest), StandardCharsets.UTF_8);
            return "SharedAccessSignature sr=" + encoded + "&sig=" + signature + "&se=" + seconds;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
