package io.eflow.iothub.emulator.dps;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * The public area of an RSA storage key as a TPM marshals it ({@code TPM2B_PUBLIC}, TPM 2.0 Part 2 §12.2): what a device
 * sends DPS as its endorsement key and storage root key. Only what wrapping a secret for the key needs is read: its
 * name algorithm (SHA-256 here), the symmetric algorithm of its protections (AES-CFB, the key size read), the modulus
 * and exponent; and its name, {@code nameAlg || H(TPMT_PUBLIC)}, to which credentials and duplicates are bound.
 *
 * @param symmetricBits the key size of its {@code TPMT_SYM_DEF_OBJECT} (128 for the EK and SRK templates)
 */
record TpmPublic(byte[] marshalled, int nameAlg, int symmetricBits, RSAPublicKey key, byte[] name) {
    static final int ALG_RSA = 0x0001;
    static final int ALG_KEYEDHASH = 0x0008;
    static final int ALG_SHA256 = 0x000B;
    static final int ALG_HMAC = 0x0005;
    static final int ALG_AES = 0x0006;
    static final int ALG_CFB = 0x0043;
    static final int ALG_NULL = 0x0010;

    /** @throws IllegalArgumentException when it is not an RSA key with SHA-256 names and AES-CFB protections */
    static TpmPublic parse(byte[] tpm2bPublic) {
        try {
            ByteBuffer in = ByteBuffer.wrap(tpm2bPublic);
            int size = Short.toUnsignedInt(in.getShort());
            if (size != in.remaining()) {
                throw new IllegalArgumentException("its size says " + size + " bytes, " + in.remaining() + " follow");
            }
            int type = Short.toUnsignedInt(in.getShort());
            int nameAlg = Short.toUnsignedInt(in.getShort());
            in.getInt(); // objectAttributes
            skipSized(in); // authPolicy
            if (type != ALG_RSA || nameAlg != ALG_SHA256) {
                throw new IllegalArgumentException(String.format("a key of type 0x%04x named with 0x%04x, not RSA named"
                        + " with SHA-256", type, nameAlg));
            }
            int symmetric = Short.toUnsignedInt(in.getShort());
            if (symmetric != ALG_AES) {
                throw new IllegalArgumentException(String.format("a key protecting with 0x%04x, not AES: not a storage"
                        + " key", symmetric));
            }
            int symmetricBits = Short.toUnsignedInt(in.getShort());
            int mode = Short.toUnsignedInt(in.getShort());
            if (mode != ALG_CFB || (symmetricBits != 128 && symmetricBits != 256)) {
                throw new IllegalArgumentException("AES-" + symmetricBits + String.format(" mode 0x%04x, not CFB", mode));
            }
            int scheme = Short.toUnsignedInt(in.getShort());
            if (scheme != ALG_NULL) {
                in.getShort(); // the scheme's hash: a storage key has none, but read past one all the same
            }
            in.getShort(); // keyBits
            long exponent = Integer.toUnsignedLong(in.getInt());
            byte[] modulus = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(modulus);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the modulus");
            }
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, modulus), BigInteger.valueOf(exponent == 0 ? 65537 : exponent)));
            return new TpmPublic(tpm2bPublic.clone(), nameAlg, symmetricBits, key, name(tpm2bPublic));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("it ends early");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("its modulus is no RSA key: " + e.getMessage());
        }
    }

    /** {@code nameAlg || SHA-256(TPMT_PUBLIC)} of a marshalled {@code TPM2B_PUBLIC} named with SHA-256. */
    static byte[] name(byte[] tpm2bPublic) {
        byte[] digest = sha256(Arrays.copyOfRange(tpm2bPublic, 2, tpm2bPublic.length));
        return ByteBuffer.allocate(2 + digest.length).putShort((short) ALG_SHA256).put(digest).array();
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void skipSized(ByteBuffer in) {
        int size = Short.toUnsignedInt(in.getShort());
        in.position(in.position() + size);
    }
}
