package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.wire.ProvisioningType;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Registers a DPS provisioning with DPS, proving the device as its type says: the symmetric key, the X.509
 * certificate, or the TPM's challenge.
 */
public final class DpsRegistrar implements CloudLink.Registrar {
    private final Duration timeout;
    private final Clock clock;
    private final Supplier<DeviceTpm> tpm;

    /** @param tpm the device's TPM, asked for only by dps-tpm provisionings (it fails when the guest has none) */
    public DpsRegistrar(Duration timeout, Clock clock, Supplier<DeviceTpm> tpm) {
        this.timeout = timeout;
        this.clock = clock;
        this.tpm = tpm;
    }

    @Override
    public CloudLink.Registered register(Provisioning provisioning) {
        var spec = provisioning.spec();
        return switch (provisioning.type()) {
            case DPS_SYMMETRIC_KEY -> {
                SigningKey key = SigningKey.base64(spec.symmetricKey());
                DpsClient client = new DpsClient(provisioning.dpsEndpoint(), provisioning.trust().sslContext(), timeout, clock);
                yield new CloudLink.Registered(client.register(spec.scopeId(), spec.registrationId(), new DpsClient.Proof.Key(key)),
                        Optional.of(key));
            }
            case DPS_X509 -> {
                X509Identity identity = provisioning.certificate().orElseThrow();
                DpsClient client = new DpsClient(provisioning.dpsEndpoint(),
                        provisioning.trust().sslContext(identity.keyManagers()), timeout, clock);
                yield new CloudLink.Registered(client.register(spec.scopeId(), spec.registrationId(),
                        new DpsClient.Proof.Certificate()), Optional.empty());
            }
            case DPS_TPM -> {
                DeviceTpm device = tpm.get();
                String registrationId = spec.registrationId() == null ? device.registrationId() : spec.registrationId();
                DpsClient client = new DpsClient(provisioning.dpsEndpoint(), provisioning.trust().sslContext(), timeout, clock);
                DpsClient.Assignment assignment = client.register(spec.scopeId(), registrationId, new DpsClient.Proof.Tpm(device));
                yield new CloudLink.Registered(assignment, Optional.of(device.importedKey().orElseThrow(() ->
                        CloudException.refused("the TPM holds no key after DPS's challenge was answered"))));
            }
            default -> throw new IllegalArgumentException(provisioning.type() + " is not registered with DPS");
        };
    }

    @Override
    public Optional<SigningKey> keptKey(Provisioning provisioning) {
        return switch (provisioning.type()) {
            case DPS_SYMMETRIC_KEY -> Optional.of(SigningKey.base64(provisioning.spec().symmetricKey()));
            case DPS_TPM -> tpm.get().importedKey();
            default -> Optional.empty();
        };
    }

    @Override
    public void forget(Provisioning provisioning) {
        if (provisioning.type() == ProvisioningType.DPS_TPM) {
            tpm.get().removeKey();
        }
    }
}
