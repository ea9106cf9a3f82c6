package io.eflow.contract.iothub;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SasTokenTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final Instant EXPIRY = Instant.ofEpochSecond(1_900_000_000L);

    @Test
    void signsAsIotHubDescribes() throws Exception {
        SasToken token = SasToken.sign("hub.example/devices/d1/modules/m1", KEY, EXPIRY, Optional.empty());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(
                mac.doFinal("hub.example%2Fdevices%2Fd1%2Fmodules%2Fm1\n1900000000".getBytes(StandardCharsets.UTF_8)));
        assertThat(token.signature()).isEqualTo(expected);
        assertThat(token.toString()).startsWith("SharedAccessSignature sr=hub.example%2Fdevices%2Fd1%2Fmodules%2Fm1&sig=")
                .endsWith("&se=1900000000");
    }

    @Test
    void aParsedTokenChecksAgainstItsKeyOnly() {
        SasToken token = SasToken.parse(SasToken.sign("hub/devices/d1", KEY, EXPIRY, Optional.of("owner")).toString());
        assertThat(token.resource()).isEqualTo("hub/devices/d1");
        assertThat(token.keyName()).contains("owner");
        assertThat(token.signedWith(KEY)).isTrue();
        String otherKey = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(token.signedWith(otherKey)).isFalse();
        SasToken stretched = new SasToken(token.resource(), token.signature(), EXPIRY.plusSeconds(1), token.keyName());
        assertThat(stretched.signedWith(KEY)).as("a later expiry than signed").isFalse();
        SasToken elsewhere = new SasToken("hub/devices/d2", token.signature(), EXPIRY, token.keyName());
        assertThat(elsewhere.signedWith(KEY)).as("another resource").isFalse();
    }

    @Test
    void lowerCaseEscapesAreSignedTooBySomeSdks() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
        String lower = Base64.getEncoder().encodeToString(mac.doFinal("hub%2fdevices%2fd1\n1900000000".getBytes(StandardCharsets.UTF_8)));
        assertThat(new SasToken("hub/devices/d1", lower, EXPIRY, Optional.empty()).signedWith(KEY)).isTrue();
    }

    @Test
    void theJavaSdksUnescapedResourceIsSignedAsItIsWritten() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
        String plain = Base64.getEncoder().encodeToString(mac.doFinal("hub/devices/d1/modules/m1\n1900000000".getBytes(StandardCharsets.UTF_8)));
        SasToken token = SasToken.parse("SharedAccessSignature sr=hub/devices/d1/modules/m1&sig="
                + URLEncoder.encode(plain, StandardCharsets.UTF_8) + "&se=1900000000");
        assertThat(token.signedWith(KEY)).isTrue();
        assertThat(new SasToken("hub/devices/d1/modules/m2", plain, EXPIRY, Optional.empty()).signedWith(KEY))
                .as("another resource").isFalse();
    }

    @Test
    void expiry() {
        SasToken token = SasToken.sign("r", KEY, EXPIRY, Optional.empty());
        assertThat(token.expiredAt(EXPIRY.minusSeconds(1))).isFalse();
        assertThat(token.expiredAt(EXPIRY)).isTrue();
    }

    @Test
    void malformedTokensSayWhatIsWrong() {
        assertThatThrownBy(() -> SasToken.parse("Bearer x")).hasMessageContaining("does not start with 'SharedAccessSignature'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=a&se=1")).hasMessageContaining("without 'sig'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=a&sig=b&se=soon")).hasMessageContaining("not a number");
    }

    @Test
    void connectionStrings() {
        ConnectionString module = ConnectionString.parse("HostName=hub.example;DeviceId=d1;ModuleId=m1;SharedAccessKey=" + KEY + ";GatewayHostName=edge");
        assertThat(module.resource()).isEqualTo("hub.example/devices/d1/modules/m1");
        assertThat(module.sharedAccessKey()).isEqualTo(KEY);
        assertThat(module.gatewayHostName()).contains("edge");
        assertThat(ConnectionString.parse(module.toString())).isEqualTo(module);
        ConnectionString device = ConnectionString.parse("HostName=hub.example;DeviceId=d1;SharedAccessKey=" + KEY);
        assertThat(device.resource()).isEqualTo("hub.example/devices/d1");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h;DeviceId=d")).hasMessage("connection string without SharedAccessKey");
    }
}
