package io.eflow.iothub.emulator.dps;

import java.util.List;

/** How an enrollment's devices prove themselves, with DPS's names for the kinds. */
public sealed interface Attestation {
    String type();

    /** SAS tokens signed with the keys (a group's: with the keys derived from them, {@link DerivedKeys}). */
    record SymmetricKey(String primaryKey, String secondaryKey) implements Attestation {
        @Override
        public String type() {
            return "symmetricKey";
        }
    }

    /**
     * A TLS client certificate: for an individual enrollment, one of {@code certificates} itself; for a group, a leaf
     * naming the registration id as its CN and chaining to one of them (the group's signing certificates).
     *
     * @param certificates PEM, primary then secondary when given
     */
    record X509(List<String> certificates) implements Attestation {
        public X509 {
            certificates = List.copyOf(certificates);
        }

        @Override
        public String type() {
            return "x509";
        }
    }

    /**
     * TPM, individual enrollments only: the device sends its endorsement key (which must be this one) and storage root
     * key, gets a key only that TPM can import ({@link Registrations#challenge}), and signs its token with it.
     *
     * @param endorsementKey base64 {@code TPM2B_PUBLIC}, as the SDKs and {@code tpm_device_provision} show it
     */
    record Tpm(String endorsementKey) implements Attestation {
        @Override
        public String type() {
            return "tpm";
        }
    }
}
