package io.eflow.iothub.emulator.dps;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.iothub.emulator.tpm.Swtpm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.HexFormat;

/**
 * A device's side of DPS's TPM attestation, done with tpm2-tools on a {@link Swtpm} as the SDKs do it with their TSS:
 * the EK (the TCG default template) and the SDKs' SRK, each a transient primary kept as a saved context;
 * {@link #activate} takes an {@code authenticationKey} in (PolicySecret(endorsement) session, ActivateCredential(SRK,
 * EK), Import under the SRK with the credential as inner key, Load); {@link #signingKey} is TPM2_HMAC with it.
 * Transient objects are flushed after each tool, as a TPM without a resource manager needs.
 */
final class TpmDevice implements AutoCloseable {
    /** The SRK template of the C and Node SDKs: RSA-2048, AES-128-CFB, storage attributes with noDA, no policy. */
    private static final String SRK_ATTRIBUTES = "restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda";
    private final Swtpm tpm;

    private TpmDevice(Swtpm tpm) {
        this.tpm = tpm;
    }

    static TpmDevice start() throws IOException, InterruptedException {
        Swtpm tpm = Swtpm.start();
        try {
            tpm.tool("tpm2_createek", "-G", "rsa", "-c", "ek.ctx", "-u", "ek.pub");
            tpm.tool("tpm2_flushcontext", "-t");
            tpm.tool("tpm2_createprimary", "-C", "o", "-g", "sha256", "-G", "rsa2048:aes128cfb", "-a", SRK_ATTRIBUTES,
                    "-c", "srk.ctx");
            tpm.tool("tpm2_readpublic", "-c", "srk.ctx", "-o", "srk.pub");
            tpm.tool("tpm2_flushcontext", "-t");
            return new TpmDevice(tpm);
        } catch (IOException | RuntimeException e) {
            tpm.close();
            throw e;
        }
    }

    /** The EK's TPM2B_PUBLIC. */
    byte[] endorsementKey() throws IOException {
        return Files.readAllBytes(tpm.dir().resolve("ek.pub"));
    }

    /** The SRK's TPM2B_PUBLIC. */
    byte[] storageRootKey() throws IOException {
        return Files.readAllBytes(tpm.dir().resolve("srk.pub"));
    }

    /** @throws IOException naming the tool that refused it */
    void activate(byte[] authenticationKey) throws IOException, InterruptedException {
        ByteBuffer in = ByteBuffer.wrap(authenticationKey);
        byte[] credential = next(in);
        byte[] secret = next(in);
        // tpm2_activatecredential's file: tpm2-tools' header (magic, version 1), TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET
        write("cred.bin", ByteBuffer.allocate(8 + credential.length + secret.length).putInt(0xBADCC0DE).putInt(1)
                .put(credential).put(secret).array());
        write("dup.priv", next(in));
        write("dup.seed", next(in));
        write("key.pub", next(in));
        try {
            tpm.tool("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            tpm.tool("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
            tpm.tool("tpm2_activatecredential", "-c", "srk.ctx", "-C", "ek.ctx", "-i", "cred.bin", "-o", "inner.key",
                    "-P", "session:session.ctx");
        } finally {
            tpm.tool("tpm2_flushcontext", "-t");
            tpm.tool("tpm2_flushcontext", "-s");
        }
        tpm.tool("tpm2_import", "-C", "srk.ctx", "-u", "key.pub", "-i", "dup.priv", "-s", "dup.seed", "-k", "inner.key",
                "-r", "key.priv");
        tpm.tool("tpm2_flushcontext", "-t");
        tpm.tool("tpm2_load", "-C", "srk.ctx", "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
        tpm.tool("tpm2_flushcontext", "-t");
    }

    /** TPM2_HMAC with the key {@link #activate} loaded. */
    SigningKey signingKey() {
        return data -> {
            try {
                write("data.bin", data);
                String hex = tpm.tool("tpm2_hmac", "-c", "key.ctx", "--hex", "data.bin");
                tpm.tool("tpm2_flushcontext", "-t");
                return HexFormat.of().parseHex(hex.strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    @Override
    public void close() throws IOException {
        tpm.close();
    }

    /** A TPM2B with its size, as tpm2-tools keep them in files. */
    private static byte[] next(ByteBuffer in) {
        int size = Short.toUnsignedInt(in.getShort(in.position()));
        byte[] out = new byte[2 + size];
        in.get(out);
        return out;
    }

    private void write(String file, byte[] bytes) throws IOException {
        Files.write(tpm.dir().resolve(file), bytes);
    }
}
