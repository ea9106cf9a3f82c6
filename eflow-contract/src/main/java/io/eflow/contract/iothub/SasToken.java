package io.eflow.contract.iothub;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IoT Hub shared access signature: {@code SharedAccessSignature sr={resource}&sig={signature}&se={expiry}[&skn={key name}]},
 * the signature being HMAC-SHA256, under the base64-decoded key, of the URL-encoded resource URI, a newline and
 * the expiry in epoch seconds.
 *
 * @param resource the resource URI, decoded ({@code myhub.azure-devices.net/devices/d1/modules/m1})
 * @param expiry   when the token stops being valid
 * @param keyName  the policy's name, for policy-signed tokens
 */
public record SasToken(String resource, String signature, Instant expiry, Optional<String> keyName) {
    private static final String PREFIX = "SharedAccessSignature ";

    public SasToken {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(keyName, "keyName");
    }

    /** Signs {@code resource} until {@code expiry} with a base64 key, as IoT Hub's SDKs do. */
    public static SasToken sign(String resource, String base64Key, Instant expiry, Optional<String> keyName) {
        Instant seconds = Instant.ofEpochSecond(expiry.getEpochSecond());
        return new SasToken(resource, signature(resource, base64Key, seconds), seconds, keyName);
    }

    /** Signs {@code resource} until {@code expiry} with a key that may be held elsewhere (a TPM). */
    public static SasToken sign(String resource, SigningKey key, Instant expiry, Optional<String> keyName) {
        Instant seconds = Instant.ofEpochSecond(expiry.getEpochSecond());
        return new SasToken(resource, sign(encode(resource), key, seconds), seconds, keyName);
    }

    /**
     * Reads a token.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static SasToken parse(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a SAS token: it does not start with '" + PREFIX.strip() + "'");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : token.substring(PREFIX.length()).split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("SAS token field without a value: '" + pair + "'");
            }
            fields.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        for (String required : new String[] {"sr", "sig", "se"}) {
            if (!fields.containsKey(required)) {
                throw new IllegalArgumentException("SAS token without '" + required + "'");
            }
        }
        long expiry;
        try {
            expiry = Long.parseLong(fields.get("se"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SAS token expiry 'se' is not a number: " + fields.get("se"));
        }
        if (expiry < Instant.MIN.getEpochSecond() || expiry > Instant.MAX.getEpochSecond()) {
            throw new IllegalArgumentException("SAS token expiry 'se' is out of range: " + expiry);
        }
        return new SasToken(fields.get("sr"), fields.get("sig"), Instant.ofEpochSecond(expiry),
                Optional.ofNullable(fields.get("skn")));
    }

    /**
     * Whether the signature is the key's for this resource and expiry (compared in constant time). IoT Hub checks it
     * over the resource as the token writes it, and SDKs write it differently: escaped in upper case (Node, Python),
     * escaped in lower case (.NET's HttpUtility writes {@code %2f}), or not escaped at all (the Java SDK signs and
     * sends {@code sr=hub/devices/d/modules/m}). Each form names the same resource, so each is accepted.
     */
    public boolean signedWith(String base64Key) {
        byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
        String encoded = encode(resource);
        boolean upper = MessageDigest.isEqual(sign(encoded, base64Key, expiry).getBytes(StandardCharsets.US_ASCII), given);
        boolean lower = MessageDigest.isEqual(sign(lowerEscapes(encoded), base64Key, expiry).getBytes(StandardCharsets.US_ASCII), given);
        boolean plain = MessageDigest.isEqual(sign(resource, base64Key, expiry).getBytes(StandardCharsets.US_ASCII), given);
        return upper | lower | plain;
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiry);
    }

    /** The token as it goes in an MQTT password or an HTTP Authorization header. */
    @Override
    public String toString() {
        StringBuilder token = new StringBuilder(PREFIX)
                .append("sr=").append(encode(resource))
                .append("&sig=").append(encode(signature))
                .append("&se=").append(expiry.getEpochSecond());
        keyName.ifPresent(name -> token.append("&skn=").append(encode(name)));
        return token.toString();
    }

    private static String signature(String resource, String base64Key, Instant expiry) {
        return sign(encode(resource), base64Key, expiry);
    }

    private static String sign(String encodedResource, String base64Key, Instant expiry) {
        SigningKey key;
        try {
            key = SigningKey.base64(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the shared access key is not base64");
        }
        return sign(encodedResource, key, expiry);
    }

    private static String sign(String encodedResource, SigningKey key, Instant expiry) {
        String toSign = encodedResource + "\n" + expiry.getEpochSecond();
        return Base64.getEncoder().encodeToString(key.hmacSha256(toSign.getBytes(StandardCharsets.UTF_8)));
    }

    private static String lowerEscapes(String encoded) {
        StringBuilder lower = new StringBuilder(encoded);
        for (int i = encoded.indexOf('%'); i >= 0 && i + 2 < encoded.length(); i = encoded.indexOf('%', i + 1)) {
            lower.setCharAt(i + 1, Character.toLowerCase(encoded.charAt(i + 1)));
            lower.setCharAt(i + 2, Character.toLowerCase(encoded.charAt(i + 2)));
        }
        return lower.toString();
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
}
