package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleSettingsTest {
    private static final Map<String, String> IOT_EDGE = Map.of(
            "IOTEDGE_GATEWAYHOSTNAME", "edge1.local",
            "IOTEDGE_IOTHUBHOSTNAME", "contoso.azure-devices.net",
            "IOTEDGE_DEVICEID", "edge1",
            "IOTEDGE_MODULEID", "tempSensor");

    @Test
    void takesWhatIotEdgeGivesAModule() {
        ModuleSettings settings = ModuleSettings.from(new Env(IOT_EDGE), "ignored");

        assertThat(settings.clientId()).isEqualTo("edge1/tempSensor");
        assertThat(settings.username())
                .isEqualTo("contoso.azure-devices.net/edge1/tempSensor/?api-version=2018-06-30");
        assertThat(settings.serverUri()).isEqualTo("tcp://edge1.local:1883");
        assertThat(settings.password(Instant.now())).isEmpty();
        assertThat(settings.defaultsUsed()).isEmpty();
    }

    @Test
    void withoutIotEdgeItFallsBackToTheHubsNetworkNameAndSaysWhichDefaultsItTook() {
        ModuleSettings settings = ModuleSettings.from(new Env(Map.of()), "filter");

        assertThat(settings.gatewayHost()).isEqualTo("edgeHub");
        assertThat(settings.port()).isEqualTo(1883);
        assertThat(settings.clientId()).isEqualTo("local-device/filter");
        assertThat(settings.defaultsUsed()).containsExactly("IOTEDGE_GATEWAYHOSTNAME=edgeHub",
                "IOTEDGE_IOTHUBHOSTNAME=localhost", "IOTEDGE_DEVICEID=local-device", "IOTEDGE_MODULEID=filter");
    }

    @Test
    void thePortComesFromItsVariable() {
        Map<String, String> env = new HashMap<>(IOT_EDGE);
        env.put("EDGEHUB_PORT", "18830");

        assertThat(ModuleSettings.from(new Env(env), "ignored").serverUri()).isEqualTo("tcp://edge1.local:18830");
    }

    @Test
    void theConnectionStringGivesIdentityAndKeyAndTheCaFileTurnsOnTls() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        Map<String, String> env = new HashMap<>(IOT_EDGE);
        env.put("EdgeHubConnectionString", "HostName=contoso.azure-devices.net;GatewayHostName=edge1;DeviceId=edge1;"
                + "ModuleId=tempSensor;SharedAccessKey=" + key);
        env.put("EdgeModuleCACertificateFile", "/etc/eflow/edge-ca.pem");

        ModuleSettings settings = ModuleSettings.from(new Env(env), "ignored");

        assertThat(settings.serverUri()).isEqualTo("ssl://edge1:8883");
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        String token = settings.password(now).orElseThrow();
        assertThat(token).startsWith("SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fedge1%2Fmodules%2FtempSensor&sig=")
                .endsWith("&se=" + (1_800_000_000L + 3600));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(
                ("contoso.azure-devices.net%2Fdevices%2Fedge1%2Fmodules%2FtempSensor\n" + (1_800_000_000L + 3600)).getBytes()));
        assertThat(URLDecoder.decode(token.split("&sig=")[1].split("&se=")[0], "UTF-8")).isEqualTo(signature);
        env.put("EDGEHUB_HOST", "127.0.0.1");
        env.put("EDGEHUB_PORT", "18883");
        assertThat(ModuleSettings.from(new Env(env), "ignored").serverUri()).as("a host application through a forward")
                .isEqualTo("ssl://127.0.0.1:18883");
        assertThat(settings.describe()).contains("SAS token").contains("/etc/eflow/edge-ca.pem").doesNotContain(key);
    }

    @Test
    void anIpv6GatewayIsBracketedInTheUri() {
        ModuleSettings settings = ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME", "fd00::1")), "m");

        assertThat(settings.serverUri()).isEqualTo("tcp://[fd00::1]:1883");
    }

    @Test
    void aBadPortIsRefusedByName() {
        assertThatThrownBy(() -> ModuleSettings.from(new Env(Map.of("EDGEHUB_PORT", "mqtt")), "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EDGEHUB_PORT");
        assertThatThrownBy(() -> ModuleSettings.from(new Env(Map.of("EDGEHUB_PORT", "70000")), "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-65535");
    }
}
