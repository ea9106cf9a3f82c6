package io.eflow.contract.iothub;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client presents to the hub (a SAS token as its MQTT password) and what an operator pastes (a connection
 * string): each is read or refused with an {@link IllegalArgumentException}, the type the hub's authenticator and the
 * provisioning code catch, and what is read writes back to text that reads the same again.
 */
class CredentialsFuzzTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef"
            .getBytes(StandardCharsets.US_ASCII));

    @FuzzTest(maxDuration = "30s")
    void sasTokens(byte[] input) {
        readBack(input, SasToken::parse).ifPresent(token -> {
            // the hub checks what it read against the identity's key: an answer, whatever the token held
            token.signedWith(KEY);
            assertThat(SasToken.sign(token.resource(), KEY, token.expiry(), token.keyName()).signedWith(KEY)).isTrue();
        });
    }

    @FuzzTest(maxDuration = "30s")
    void connectionStrings(byte[] input) {
        readBack(input, ConnectionString::parse).ifPresent(parsed ->
                assertThat(parsed.resource()).startsWith(parsed.hostName() + "/devices/" + parsed.deviceId()));
    }

    /**
     * The value read from the input, which reads back equal from the text it writes; or empty when the input was
     * refused as callers expect, with an IllegalArgumentException that says why.
     */
    private static <T> Optional<T> readBack(byte[] input, Function<String, T> parse) {
        T value;
        try {
            value = parse.apply(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return Optional.empty();
        }
        assertThat(parse.apply(value.toString())).isEqualTo(value);
        return Optional.of(value);
    }
}
