package io.eflow.edge.cloud.tpm;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.iothub.TpmRegistrationId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The device's side of DPS's TPM attestation, done with Debian's tpm2-tools against the TPM a TCTI reaches (in the
 * guest, the host's TPM through eflow's proxy: {@code cmd:socat - UNIX-CONNECT:/run/eflow-tpm/tpm.sock}).
 *
 * <ul>
 *     <li>{@link #publicKeys}: the endorsement key and storage root key as DPS takes them (base64
 *     {@code TPM2B_PUBLIC}), and the registration id the SDKs derive from the EK.</li>
 *     <li>{@link #importKey}: takes DPS's {@code authenticationKey} in: ActivateCredential(SRK, EK) under a
 *     PolicySecret(endorsement) session gives the inner wrapping key, Import under the SRK and Load give the HMAC key,
 *     which EvictControl persists at {@link #KEY_HANDLE} (replacing the one there).</li>
 *     <li>{@link #signingKey}: TPM2_HMAC with the persisted key, how the device signs its SAS tokens to DPS and to
 *     IoT Hub; the key never leaves the TPM. {@link #removeKey} evicts it.</li>
 * </ul>
 *
 * <p>The EK and SRK are the TPM's persistent ones where the platform keeps them (0x81010001 and 0x81000001, the
 * handles Windows and the SDKs use), else transient primaries made from the templates: the TCG default EK template
 * ({@code tpm2_createek -G rsa}) and the SDKs' SRK template (RSA-2048, AES-128-CFB, restricted decrypt, noDA,
 * userWithAuth). Both hierarchies' authorizations are taken as empty. Only the TPM commands eflow's proxy admits are
 * used: reads, CreatePrimary, StartAuthSession, PolicySecret, ActivateCredential, Import, Load, HMAC (and its
 * sequence), EvictControl in eflow's range, ContextSave/Load and FlushContext.
 */
public final class TpmAttestation {
    /** Where the device key is kept: eflow's range of owner persistent handles, 0x81000E00–0x81000EFF. */
    public static final String KEY_HANDLE = "0x81000e00";
    private static final String EK_HANDLE = "0x81010001";
    private static final String SRK_HANDLE = "0x81000001";
    private static final String SRK_ATTRIBUTES = "restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda";
    /** tpm2-tools' header of a credential file (tpm2_makecredential's output, tpm2_activatecredential's input). */
    private static final int CREDENTIAL_MAGIC = 0xBADCC0DE;

    private final String tcti;
    private final Path folder;
    private final Duration timeout;

    /** The TPM's public keys, as DPS's register request carries them, and the registration id of the EK. */
    public record PublicKeys(String endorsementKey, String storageRootKey, String registrationId) {
    }

    /**
     * @param tcti    tpm2-tools' TCTI, e.g. {@code cmd:socat - UNIX-CONNECT:/run/eflow-tpm/tpm.sock}
     * @param folder  a private folder for the tools' files, each operation's in a subfolder removed after it
     * @param timeout for each tool
     */
    public TpmAttestation(String tcti, Path folder, Duration timeout) {
        this.tcti = tcti;
        this.folder = folder;
        this.timeout = timeout;
    }

    /** @throws TpmException when the TPM or a tool fails */
    public PublicKeys publicKeys() {
        try (Work work = new Work()) {
            work.endorsementKey();
            work.storageRootKey();
            byte[] ekPublic = work.read("ek.pub");
            return new PublicKeys(Base64.getEncoder().encodeToString(ekPublic),
                    Base64.getEncoder().encodeToString(work.read("srk.pub")), registrationId(ekPublic));
        }
    }

    /**
     * Takes DPS's {@code authenticationKey} (base64) in and persists the key at {@link #KEY_HANDLE}.
     *
     * @throws TpmException when the key is not for this TPM (ActivateCredential fails) or a tool fails
     * @throws IllegalArgumentException when it is not base64 or not the structure DPS sends
     */
    public void importKey(String authenticationKey) {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(authenticationKey.strip()));
        try (Work work = new Work()) {
            byte[] credential = next(blob);
            byte[] secret = next(blob);
            work.write("cred.bin", ByteBuffer.allocate(8 + credential.length + secret.length).putInt(CREDENTIAL_MAGIC)
                    .putInt(1).put(credential).put(secret).array());
            work.write("dup.priv", next(blob));
            work.write("dup.seed", next(blob));
            work.write("key.pub", next(blob));
            String ek = work.endorsementKey();
            String srk = work.storageRootKey();
            work.tools.run(new byte[0], "tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            TpmException failure = null;
            try {
                work.tools.run(new byte[0], "tpm2_policysecret", "-S", "session.ctx", "-c", "e");
                work.tools.runFlushing("tpm2_activatecredential", "-c", srk, "-C", ek, "-i", "cred.bin", "-o", "inner.key",
                        "-P", "session:session.ctx");
            } catch (TpmException e) {
                failure = e;
            }
            flushSession(work.tools, failure);
            work.tools.runFlushing("tpm2_import", "-C", srk, "-u", "key.pub", "-i", "dup.priv", "-s", "dup.seed",
                    "-k", "inner.key", "-r", "key.priv");
            List<String> before = work.tools.transients();
            work.tools.run(new byte[0], "tpm2_load", "-C", srk, "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
            try {
                evict(work.tools);
                work.tools.run(new byte[0], "tpm2_evictcontrol", "-C", "o", "-c", "key.ctx", KEY_HANDLE);
            } catch (TpmException e) {
                work.tools.flushNew(before, e);
                throw e;
            }
            work.tools.flushNew(before, null);
        }
    }

    /** Ends the policy session; when {@code failure} happened with it, that is what is thrown, the flush's added. */
    private static void flushSession(TpmTools tools, TpmException failure) {
        try {
            tools.run(new byte[0], "tpm2_flushcontext", "session.ctx");
        } catch (TpmException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whether a key is persisted at {@link #KEY_HANDLE}. */
    public boolean hasKey() {
        try (Work work = new Work()) {
            return work.tools.persistent(KEY_HANDLE);
        }
    }

    /** Evicts the key at {@link #KEY_HANDLE}, if there is one. */
    public void removeKey() {
        try (Work work = new Work()) {
            evict(work.tools);
        }
    }

    /** TPM2_HMAC (SHA-256) with the persisted key; each call a tool run, throwing {@link TpmException} on failure. */
    public SigningKey signingKey() {
        return data -> {
            try (Work work = new Work()) {
                String hex = new String(work.tools.run(data, "tpm2_hmac", "-c", KEY_HANDLE, "-g", "sha256", "--hex"),
                        StandardCharsets.US_ASCII).strip();
                return HexFormat.of().parseHex(hex);
            }
        };
    }

    /** The registration id the SDKs derive from the EK ({@link TpmRegistrationId}). */
    public static String registrationId(byte[] endorsementKey) {
        return TpmRegistrationId.of(endorsementKey);
    }

    private static void evict(TpmTools tools) {
        if (tools.persistent(KEY_HANDLE)) {
            tools.run(new byte[0], "tpm2_evictcontrol", "-C", "o", "-c", KEY_HANDLE);
        }
    }

    /** A TPM2B with its size, as tpm2-tools keep them in files. */
    private static byte[] next(ByteBuffer in) {
        if (in.remaining() < 2 || in.remaining() < 2 + Short.toUnsignedInt(in.getShort(in.position()))) {
            throw new IllegalArgumentException("the authentication key ends early");
        }
        byte[] out = new byte[2 + Short.toUnsignedInt(in.getShort(in.position()))];
        in.get(out);
        return out;
    }

    /** One operation's subfolder (0700) and tools; removed with what the tools wrote, the inner key among them. */
    private final class Work implements AutoCloseable {
        private final Path dir;
        private final TpmTools tools;

        Work() {
            try {
                Files.createDirectories(folder);
                dir = Files.createTempDirectory(folder, "tpm", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new TpmException("cannot make a work folder in " + folder + ": " + e.getMessage(), e);
            }
            tools = new TpmTools(tcti, dir, timeout);
        }

        /** The EK's handle or saved context, its public in {@code ek.pub}. */
        String endorsementKey() {
            if (tools.persistent(EK_HANDLE)) {
                tools.run(new byte[0], "tpm2_readpublic", "-c", EK_HANDLE, "-o", "ek.pub");
                return EK_HANDLE;
            }
            tools.runFlushing("tpm2_createek", "-G", "rsa", "-c", "ek.ctx", "-u", "ek.pub");
            return "ek.ctx";
        }

        /** The SRK's handle or saved context, its public in {@code srk.pub}. */
        String storageRootKey() {
            if (tools.persistent(SRK_HANDLE)) {
                tools.run(new byte[0], "tpm2_readpublic", "-c", SRK_HANDLE, "-o", "srk.pub");
                return SRK_HANDLE;
            }
            tools.runFlushing("tpm2_createprimary", "-C", "o", "-g", "sha256", "-G", "rsa2048:aes128cfb",
                    "-a", SRK_ATTRIBUTES, "-c", "srk.ctx");
            tools.runFlushing("tpm2_readpublic", "-c", "srk.ctx", "-o", "srk.pub");
            return "srk.ctx";
        }

        byte[] read(String file) {
            try {
                return Files.readAllBytes(dir.resolve(file));
            } catch (IOException e) {
                throw new TpmException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        void write(String file, byte[] bytes) {
            try {
                Files.write(dir.resolve(file), bytes);
            } catch (IOException e) {
                throw new TpmException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new TpmException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
