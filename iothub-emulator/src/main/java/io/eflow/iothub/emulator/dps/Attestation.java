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
     * TPM: kept so such enrollments can be stored and read back, but not emulated yet: a registration needs the
     * key-wrapping challenge of DPS's TPM flow (ActivateCredential against the endorsement key), which is where it
     * will go ({@link Registrations#attest}).
     */
    record Tpm(String endorsementKey) implements Attestation {
        @Override
        public String type() {
            return "tpm";
        }
    }
}
