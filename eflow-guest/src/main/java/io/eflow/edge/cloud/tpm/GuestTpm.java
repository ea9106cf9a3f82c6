package io.eflow.edge.cloud.tpm;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.edge.cloud.CloudException;
import io.eflow.edge.cloud.DeviceTpm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The guest's TPM for DPS TPM provisioning: the host's TPM through eflow's proxy at {@link #SOCKET} (there only while
 * the DpsTpm feature is on), worked with tpm2-tools ({@link TpmAttestation}). A TPM that cannot be reached or a tool
 * that fails is DPS's provisioning refused, in one line that says what to do.
 */
public final class GuestTpm implements DeviceTpm {
    public static final Path SOCKET = Path.of("/run/eflow-tpm/tpm.sock");
    private final Path socket;
    private final TpmAttestation tpm;
    private volatile TpmAttestation.PublicKeys keys;

    public GuestTpm(Path socket, TpmAttestation tpm) {
        this.socket = socket;
        this.tpm = tpm;
    }

    /** The guest's TPM, its tools' files under {@code folder}. */
    public static GuestTpm at(Path folder) {
        return new GuestTpm(SOCKET, new TpmAttestation("cmd:socat - UNIX-CONNECT:" + SOCKET, folder, Duration.ofSeconds(30)));
    }

    @Override
    public String endorsementKey() {
        return keys().endorsementKey();
    }

    @Override
    public String storageRootKey() {
        return keys().storageRootKey();
    }

    @Override
    public String registrationId() {
        return keys().registrationId();
    }

    @Override
    public SigningKey activate(String authenticationKey) {
        return call(() -> {
            tpm.importKey(authenticationKey);
            return tpm.signingKey();
        });
    }

    @Override
    public Optional<SigningKey> importedKey() {
        return call(() -> tpm.hasKey() ? Optional.of(tpm.signingKey()) : Optional.empty());
    }

    @Override
    public void removeKey() {
        call(() -> {
            tpm.removeKey();
            return null;
        });
    }

    private TpmAttestation.PublicKeys keys() {
        if (keys == null) {
            keys = call(tpm::publicKeys);
        }
        return keys;
    }

    private <T> T call(Supplier<T> step) {
        if (!Files.exists(socket)) {
            throw CloudException.refused("the guest has no TPM: turn the host's TPM on for it with"
                    + " eflow feature set dps-tpm on (and restart the guest)");
        }
        try {
            return step.get();
        } catch (TpmException e) {
            throw CloudException.refused("the TPM refused DPS's attestation: " + e.getMessage());
        }
    }
}
