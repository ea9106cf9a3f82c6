package io.eflow.samples.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

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
        assertThat(settings.sasToken()).isEmpty();
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
    void thePortAndTheSasTokenComeFromTheirVariables() {
        Map<String, String> env = new java.util.HashMap<>(IOT_EDGE);
        env.put("EDGEHUB_PORT", "18830");
        env.put("EDGEHUB_SAS_TOKEN", "SharedAccessSignature sr=x&sig=secret");

        ModuleSettings settings = ModuleSettings.from(new Env(env), "ignored");

        assertThat(settings.serverUri()).isEqualTo("tcp://edge1.local:18830");
        assertThat(settings.sasToken()).contains("SharedAccessSignature sr=x&sig=secret");
        assertThat(settings.describe()).contains("password from EDGEHUB_SAS_TOKEN").doesNotContain("secret");
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
