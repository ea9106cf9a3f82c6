package io.eflow.iothub.emulator.dps;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * DPS's TPM challenge, the {@code authenticationKey} of its 401 answer: an HMAC key made for the device, wrapped so that
 * only the TPM whose endorsement key was enrolled can take it in, and then holds it without letting it out. The device
 * signs its SAS tokens with it (TPM2_HMAC), so a token signed with it proves the TPM.
 *
 * <p>The layout is what the SDKs unmarshal (azure-iot-sdk-c {@code hsm_client_tpm.c} {@code insert_key_in_tpm},
 * azure-iot-sdk-node {@code azure-iot-security-tpm} {@code _activateIdentityKey}), each field a TPM 2.0 structure:
 * <ol>
 *     <li>{@code TPM2B_ID_OBJECT} and</li>
 *     <li>{@code TPM2B_ENCRYPTED_SECRET}: a credential made as TPM2_MakeCredential makes it (Part 1 §24) against the
 *     EK and bound to the SRK's name; the device's TPM2_ActivateCredential(activateHandle = SRK, keyHandle = EK)
 *     gives back its value, the 16-byte AES key of the inner wrapper below;</li>
 *     <li>{@code TPM2B_PRIVATE}: the HMAC key as a duplicate for the SRK (Part 1 §23.3.2) with an inner wrapper
 *     (AES-128-CFB under that key) and an outer one (keys from a seed);</li>
 *     <li>{@code TPM2B_ENCRYPTED_SECRET}: that seed, RSA-OAEP-encrypted to the SRK; the device's
 *     TPM2_Import(SRK, inner key, public, duplicate, seed, AES-128-CFB) then TPM2_Load give it the key;</li>
 *     <li>{@code TPM2B_PUBLIC}: the HMAC key's public area (keyedHash, HMAC-SHA256);</li>
 *     <li>{@code TPM2B_DATA}: an encrypted URI, empty here (both SDKs read its size and use it for nothing).</li>
 * </ol>
 * Both protections use the scheme of Part 1 §24.4 and §23.3.2: a random seed the size of the protecting key's name
 * digest, RSA-OAEP (SHA-256, the label {@code "IDENTITY\0"} or {@code "DUPLICATE\0"}) to that key; from it
 * {@code symKey = KDFa(SHA-256, seed, "STORAGE", name, ∅, the key's AES bits)} encrypts (CFB, zero IV) and
 * {@code HMACkey = KDFa(SHA-256, seed, "INTEGRITY", ∅, ∅, 256)} computes {@code HMAC(encrypted || name)} put in front.
 */
final class TpmActivation {
    /** The credential's size: the C SDK imports with AES-128 whatever it is; the Node one with its length. */
    private static final int INNER_KEY_BYTES = 16;
    private static final int DIGEST_BYTES = 32;
    /** TPMA_OBJECT userWithAuth | sign: an HMAC key, not fixed to a TPM or parent as an imported object must not be. */
    private static final int HMAC_KEY_ATTRIBUTES = 0x00000040 | 0x00040000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TpmActivation() {
    }

    /**
     * @param endorsementKey  the enrolled EK's {@code TPM2B_PUBLIC}
     * @param storageRootKey  the SRK's, as the device sent it
     * @param hmacKey         the device's new key (32 bytes)
     * @throws IllegalArgumentException when a key is not one a credential or duplicate can be made for
     */
    static byte[] wrap(byte[] endorsementKey, byte[] storageRootKey, byte[] hmacKey) {
        TpmPublic ek = TpmPublic.parse(endorsementKey);
        TpmPublic srk = TpmPublic.parse(storageRootKey);
        byte[] innerKey = random(INNER_KEY_BYTES);

        byte[] seedValue = random(DIGEST_BYTES);
        byte[] keyPublic = sized(keyedHashPublic(TpmPublic.sha256(seedValue, hmacKey)));
        byte[] keyName = TpmPublic.name(keyPublic);
        byte[] sensitive = sized(ByteBuffer.allocate(2 + 2 + 2 + DIGEST_BYTES + 2 + hmacKey.length)
                .putShort((short) TpmPublic.ALG_KEYEDHASH).putShort((short) 0)
                .putShort((short) DIGEST_BYTES).put(seedValue).putShort((short) hmacKey.length).put(hmacKey).array());
        // the inner wrapper: CFB(innerKey, TPM2B_DIGEST(H(TPM2B_SENSITIVE || name)) || TPM2B_SENSITIVE)
        byte[] inner = aesCfb(innerKey, concat(sized(TpmPublic.sha256(sensitive, keyName)), sensitive));
        Protection outer = protect(srk, "DUPLICATE", keyName, inner);
        Protection credential = protect(ek, "IDENTITY", srk.name(), sized(innerKey));

        return concat(sized(credential.blob()), sized(credential.encryptedSeed()), sized(outer.blob()),
                sized(outer.encryptedSeed()), keyPublic, sized(new byte[0]));
    }

    /** {@code blob}: TPM2B_DIGEST(HMAC) || encrypted, the body of a TPM2B_ID_OBJECT or TPM2B_PRIVATE. */
    private record Protection(byte[] blob, byte[] encryptedSeed) {
    }

    private static Protection protect(TpmPublic to, String label, byte[] name, byte[] secret) {
        byte[] seed = random(DIGEST_BYTES);
        byte[] symKey = kdfa(seed, "STORAGE", name, to.symmetricBits());
        byte[] hmacKey = kdfa(seed, "INTEGRITY", new byte[0], DIGEST_BYTES * 8);
        byte[] encrypted = aesCfb(symKey, secret);
        return new Protection(concat(sized(hmac(hmacKey, concat(encrypted, name))), encrypted),
                oaep(to, label, seed));
    }

    /** The TPMT_PUBLIC of a keyedHash object for HMAC-SHA256, named with SHA-256, with {@code unique}. */
    private static byte[] keyedHashPublic(byte[] unique) {
        return ByteBuffer.allocate(2 + 2 + 4 + 2 + 2 + 2 + 2 + unique.length)
                .putShort((short) TpmPublic.ALG_KEYEDHASH).putShort((short) TpmPublic.ALG_SHA256)
                .putInt(HMAC_KEY_ATTRIBUTES).putShort((short) 0)
                .putShort((short) TpmPublic.ALG_HMAC).putShort((short) TpmPublic.ALG_SHA256)
                .putShort((short) unique.length).put(unique).array();
    }

    /** KDFa (Part 1 §11.4.10.2) with SHA-256 and no contextV: HMAC(key, i || label || 0 || contextU || bits), i = 1… */
    static byte[] kdfa(byte[] key, String label, byte[] contextU, int bits) {
        byte[] out = new byte[bits / 8];
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        for (int i = 1, done = 0; done < out.length; i++) {
            byte[] block = hmac(key, ByteBuffer.allocate(4 + labelBytes.length + 1 + contextU.length + 4).putInt(i)
                    .put(labelBytes).put((byte) 0).put(contextU).putInt(bits).array());
            int n = Math.min(block.length, out.length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] aesCfb(byte[] key, byte[] data) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
            return cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CFB is part of every Java runtime", e);
        }
    }

    /** RSA-OAEP with SHA-256 (the key's name algorithm) and the label with its terminating zero byte, as TPMs take it. */
    private static byte[] oaep(TpmPublic to, String label, byte[] seed) {
        byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.ENCRYPT_MODE, to.key(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    new PSource.PSpecified(labelBytes)));
            return cipher.doFinal(seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP with SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        RANDOM.nextBytes(out);
        return out;
    }

    /** A TPM2B: the size as a big-endian UINT16, then the bytes. */
    private static byte[] sized(byte[] body) {
        return ByteBuffer.allocate(2 + body.length).putShort((short) body.length).put(body).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
