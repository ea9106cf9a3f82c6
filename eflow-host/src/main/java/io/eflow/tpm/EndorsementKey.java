package io.eflow.tpm;

import io.eflow.contract.iothub.TpmRegistrationId;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A TPM's endorsement key (EK) as DPS TPM enrollments take it (Get-EflowVmTpmProvisioningInfo): the EK's public area
 * as a marshalled TPM2B_PUBLIC (a UINT16 size, then the TPMT_PUBLIC), whose base64 is an individual enrollment's
 * {@code attestation.tpm.endorsementKey}, and the registration id the device SDKs derive from it.
 *
 * <p>The bytes are what the Azure IoT device SDKs hash and send: the C SDK's TPM HSM client marshals its EK with
 * {@code TPM2B_PUBLIC_Marshal} ({@code hsm_client_tpm.c}, get_endorsement_key) and the Java SDK's
 * {@code SecurityProviderTPMHsm.getEndorsementKey} returns {@code new TPM2B_PUBLIC(ekPublic).toTpm()}. The registration
 * id is SHA-256 of those bytes, base32 (RFC 4648), lowercase, without '=' padding: the C SDK's
 * {@code prov_auth_client.c} (load_registration_id, encode_value) and the Java SDK's
 * {@code SecurityProviderTpm.getRegistrationId}.
 *
 * <p>Which EK: like the SDKs, the one persisted at {@link #PERSISTENT_HANDLE} if there is one (ReadPublic); else the
 * key the TCG's default RSA 2048 EK template (EK Credential Profile, template L-1, the one {@code tpm2_createek -G rsa}
 * uses) derives from the endorsement seed, created transiently and flushed: nothing is left in the TPM. (The SDKs'
 * own template leaves {@code unique} empty where L-1 has 256 zero bytes; a TPM's EK certificate and tpm2-tools use
 * L-1, so eflow does.)
 */
public record EndorsementKey(byte[] tpm2bPublic) {
    /** The TCG's handle for a persisted EK, where the SDKs look first. */
    public static final int PERSISTENT_HANDLE = 0x81010001;
    private static final int TPM_CC_CREATE_PRIMARY = 0x131;
    private static final int TPM_CC_READ_PUBLIC = 0x173;
    private static final int TPM_CC_FLUSH_CONTEXT = 0x165;
    private static final int TPM_RS_PW = 0x40000009;
    /** The EK's policy: PolicySecret(TPM_RH_ENDORSEMENT), from the EK Credential Profile. */
    private static final byte[] EK_POLICY = HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    public EndorsementKey {
        tpm2bPublic = tpm2bPublic.clone();
    }

    @Override
    public byte[] tpm2bPublic() {
        return tpm2bPublic.clone();
    }

    /** DPS's {@code endorsementKey}: base64 of the TPM2B_PUBLIC. */
    public String base64() {
        return Base64.getEncoder().encodeToString(tpm2bPublic);
    }

    /** The registration id the device SDKs derive from this EK. */
    public String registrationId() {
        return registrationId(tpm2bPublic);
    }

    /** The registration id of {@code ek} (a marshalled TPM2B_PUBLIC), as {@link TpmRegistrationId} derives it. */
    public static String registrationId(byte[] ek) {
        return TpmRegistrationId.of(ek);
    }

    /** The TPMT_PUBLIC of the TCG default EK template L-1: RSA 2048, AES-128-CFB, the EK policy, a 256-byte zero unique. */
    static byte[] template() {
        return ByteBuffer.allocate(2 + 2 + 4 + 2 + 32 + 6 + 2 + 2 + 4 + 2 + 256)
                .putShort((short) 0x0001) // type TPM_ALG_RSA
                .putShort((short) 0x000B) // nameAlg TPM_ALG_SHA256
                // fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted | decrypt
                .putInt(0x000300B2)
                .putShort((short) EK_POLICY.length).put(EK_POLICY)
                .putShort((short) 0x0006).putShort((short) 128).putShort((short) 0x0043) // symmetric AES 128 CFB
                .putShort((short) 0x0010) // scheme TPM_ALG_NULL
                .putShort((short) 2048) // keyBits
                .putInt(0) // exponent: the default, 65537
                .putShort((short) 256).put(new byte[256]) // unique
                .array();
    }

    /** TPM2_CreatePrimary(TPM_RH_ENDORSEMENT, empty password; no sensitive data, the EK template, no outside info, no PCRs). */
    static byte[] createPrimaryCommand() {
        byte[] template = template();
        int size = 10 + 4 + 4 + 9 + 6 + 2 + template.length + 2 + 4;
        return ByteBuffer.allocate(size)
                .putShort((short) TpmFrames.TPM_ST_SESSIONS).putInt(size).putInt(TPM_CC_CREATE_PRIMARY)
                .putInt(TpmFrames.TPM_RH_ENDORSEMENT)
                .putInt(9).putInt(TPM_RS_PW).putShort((short) 0).put((byte) 0).putShort((short) 0) // one password session, empty
                .putShort((short) 4).putShort((short) 0).putShort((short) 0) // TPM2B_SENSITIVE_CREATE: userAuth, data empty
                .putShort((short) template.length).put(template) // TPM2B_PUBLIC inPublic
                .putShort((short) 0) // TPM2B_DATA outsideInfo
                .putInt(0) // TPML_PCR_SELECTION creationPCR
                .array();
    }

    static byte[] handleCommand(int code, int handle) {
        return ByteBuffer.allocate(14).putShort((short) TpmFrames.TPM_ST_NO_SESSIONS).putInt(14).putInt(code).putInt(handle).array();
    }

    /** Reads the EK of the TPM {@code spec} names ({@code /dev/tpmrm0}, {@code unix:/path}); see the class's comment. */
    public static EndorsementKey read(String spec) {
        if (!HostTpm.present(spec)) {
            throw EflowException.conflict("this host has no TPM (" + spec + "): there is no endorsement key to show");
        }
        try (HostTpm tpm = new HostTpm(spec)) {
            byte[] persisted = tpm.transact(handleCommand(TPM_CC_READ_PUBLIC, PERSISTENT_HANDLE));
            if (responseCode(persisted) == 0) {
                return new EndorsementKey(tpm2bPublicAt(persisted, 10));
            }
            byte[] created = tpm.transact(createPrimaryCommand());
            int rc = responseCode(created);
            if (rc != 0) {
                boolean badAuth = (rc & 0xBF) == 0xA2 || (rc & 0xBF) == 0x8E;
                throw EflowException.failure(String.format("the host TPM %s refused to derive its endorsement key: TPM_RC 0x%03X%s", spec, rc,
                        badAuth ? " (the endorsement hierarchy has a password; eflow derives the EK with an empty one)" : ""), null);
            }
            int handle = ByteBuffer.wrap(created).getInt(10);
            try {
                // handle, parameterSize, then outPublic
                return new EndorsementKey(tpm2bPublicAt(created, 18));
            } finally {
                tpm.transact(handleCommand(TPM_CC_FLUSH_CONTEXT, handle));
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot reach the host TPM " + spec + ": " + e.getMessage(), e);
        }
    }

    private static int responseCode(byte[] response) {
        return TpmFrames.code(response);
    }

    private static byte[] tpm2bPublicAt(byte[] response, int offset) throws IOException {
        if (response.length < offset + 2) {
            throw new IOException("the TPM's answer is too short for a public area");
        }
        int size = ByteBuffer.wrap(response).getShort(offset) & 0xFFFF;
        if (size == 0 || response.length < offset + 2 + size) {
            throw new IOException("the TPM's answer is too short for a public area");
        }
        return Arrays.copyOfRange(response, offset, offset + 2 + size);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EndorsementKey key && Arrays.equals(tpm2bPublic, key.tpm2bPublic);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tpm2bPublic);
    }

    @Override
    public String toString() {
        return "EndorsementKey[" + base64() + "]";
    }
}
