package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code eflow provision} gives (Provision-EflowVm's parameters): the type and the fields that type takes,
 * the others null. It travels from the CLI through the daemon to the guest, which checks and keeps it.
 *
 * @param connectionString manual-connection-string: {@code HostName=…;DeviceId=…;SharedAccessKey=…}
 * @param iothubHostname   manual-x509: the hub
 * @param deviceId         manual-x509: the device
 * @param globalEndpoint   dps-*: DPS's global device endpoint, {@code https://host[:port]}; null for the public one
 * @param scopeId          dps-*: the DPS instance's id scope
 * @param registrationId   dps-*: the registration id (for dps-tpm, null takes the one derived from the TPM's EK)
 * @param symmetricKey     dps-symmetric-key: the individual enrollment's key, or the device's key derived from a group's
 * @param groupKey         dps-symmetric-key: instead of {@code symmetricKey}, the group enrollment's key to derive it from
 * @param identityCert     manual-x509, dps-x509: the device's certificate chain, PEM, leaf first
 * @param identityKey      manual-x509, dps-x509: the leaf's private key, PEM
 * @param trustBundle      PEM certificates the device trusts beyond the public CAs (a private hub, an emulator)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisioningSpec(ProvisioningType type, String connectionString, String iothubHostname, String deviceId,
                               String globalEndpoint, String scopeId, String registrationId, String symmetricKey,
                               String groupKey, String identityCert, String identityKey, String trustBundle) {

    public static ProvisioningSpec connectionString(String connectionString, String trustBundle) {
        return new ProvisioningSpec(ProvisioningType.MANUAL_CONNECTION_STRING, connectionString, null, null, null, null,
                null, null, null, null, null, trustBundle);
    }

    /** Keys and private keys stay out of logs: only which fields were given shows. */
    @Override
    public String toString() {
        List<String> given = new ArrayList<>();
        given.add("type=" + type);
        show(given, "iothubHostname", iothubHostname);
        show(given, "deviceId", deviceId);
        show(given, "globalEndpoint", globalEndpoint);
        show(given, "scopeId", scopeId);
        show(given, "registrationId", registrationId);
        hide(given, "connectionString", connectionString);
        hide(given, "symmetricKey", symmetricKey);
        hide(given, "groupKey", groupKey);
        hide(given, "identityKey", identityKey);
        if (identityCert != null) {
            given.add("identityCert=" + identityCert.length() + " chars");
        }
        if (trustBundle != null) {
            given.add("trustBundle=" + trustBundle.length() + " chars");
        }
        return "ProvisioningSpec" + given;
    }

    private static void show(List<String> given, String name, String value) {
        if (value != null) {
            given.add(name + "=" + value);
        }
    }

    private static void hide(List<String> given, String name, String value) {
        if (value != null) {
            given.add(name + "=(hidden)");
        }
    }
}
