package io.eflow.tpm;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The TPM 2.0 commands the proxy passes to the host's TPM, each with why DPS TPM attestation or IoT Edge's use of
 * the TPM needs it, and, where the command code alone would admit too much, a check on the frame. Every other
 * command is answered TPM_RC_COMMAND_CODE: nothing that changes the host owner's hierarchies, NV indexes, PCRs,
 * persistent objects outside eflow's range, or the TPM's lifecycle (Clear, ChangeAuth, HierarchyControl,
 * NV_DefineSpace/Write, PCR_Extend, Startup/Shutdown, DictionaryAttackLockReset, ...). Create and CreateLoaded are
 * refused too: DPS gives the device its key (Import), the guest does not make its own.
 *
 * <p>A frame whose header does not hold together, or that is too short for the handles and parameters a check
 * reads, is refused, never passed.
 */
enum AdmittedCommand {
    GET_CAPABILITY(0x17A, "reads the TPM's properties, algorithms and handles: every tool asks before it acts"),
    READ_PUBLIC(0x173, "reads an object's public area: the EK's and SRK's, and ESAPI names every object it uses by it"),
    PCR_READ(0x17E, "reads PCR values"),
    NV_READ_PUBLIC(0x169, "reads an NV index's public area, such as the EK certificate's"),
    NV_READ(0x14E, "reads an NV index: the EK certificate the manufacturer stored, for an enrollment that wants it"),
    GET_RANDOM(0x17B, "random bytes: nonces for sessions"),
    READ_CLOCK(0x181, "reads the TPM's clock"),
    GET_TEST_RESULT(0x17C, "reads the self-test's result"),
    TEST_PARMS(0x18A, "asks whether the TPM supports an algorithm's parameters"),
    START_AUTH_SESSION(0x176, "starts a session (the policy session the EK needs, HMAC sessions): volatile, and through the"
            + " kernel's resource manager the client's own"),
    FLUSH_CONTEXT(0x165, "unloads a session or a transient object the client loaded"),
    CREATE_PRIMARY(0x131, "derives the EK (endorsement hierarchy) or the SRK (owner hierarchy) as a transient object: the"
            + " hierarchy's seed is only read, and the same template gives the same key; platform and null are not needed",
            frame -> frame.handle(0).stream().anyMatch(h -> h == TpmFrames.TPM_RH_OWNER || h == TpmFrames.TPM_RH_ENDORSEMENT)),
    POLICY_SECRET(0x151, "satisfies the EK's policy, PolicySecret(TPM_RH_ENDORSEMENT), so ActivateCredential may use the EK;"
            + " only the endorsement hierarchy's: no other entity's secret is needed, and a wrong lockout password would lock"
            + " the host's owner out", frame -> frame.handle(0).stream().anyMatch(h -> h == TpmFrames.TPM_RH_ENDORSEMENT)),
    POLICY_COMMAND_CODE(0x16C, "limits a policy session to one command, as EK policies made of several assertions do"),
    POLICY_GET_DIGEST(0x189, "reads a policy session's digest (tpm2_policysecret prints and saves it)"),
    ACTIVATE_CREDENTIAL(0x147, "answers DPS's challenge: the EK releases the key DPS wrapped the device key with"),
    IMPORT(0x156, "re-wraps the device key DPS sent (a duplicated blob) for the SRK: it returns a private blob"
            + " and keeps nothing"),
    LOAD(0x157, "loads the imported device key under the SRK as a transient object"),
    CONTEXT_SAVE(0x162, "saves a transient object or session to a context file: tpm2-tools keep them so between runs"),
    CONTEXT_LOAD(0x161, "loads a context file back (see ContextSave)"),
    HMAC(0x155, "signs with the device key: the SAS tokens DPS and IoT Hub take are HMACs; only with a key the guest loaded or"
            + " persisted in eflow's range, never with a key of the host's", AdmittedCommand::keyIsTheGuests),
    HMAC_START(0x15B, "starts an HMAC sequence (tpm2_hmac always does; the SDKs do for data longer than the TPM's input"
            + " buffer); the same keys as HMAC", AdmittedCommand::keyIsTheGuests),
    SEQUENCE_UPDATE(0x15C, "feeds an HMAC sequence"),
    SEQUENCE_COMPLETE(0x13E, "ends an HMAC sequence with the result"),
    EVICT_CONTROL(0x120, "persists the device key (or the EK, the SRK) at one of eflow's persistent handles, or evicts one"
            + " of them, under owner authorization; any other persistent handle is the host's", AdmittedCommand::evictsInEflowRange);

    private static final Map<Integer, AdmittedCommand> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(command -> command.code, Function.identity()));

    /** The TPM_CC_ value. */
    final int code;
    /** Why the proxy passes it. */
    final String reason;
    private final Predicate<CommandFrame> check;

    AdmittedCommand(int code, String reason) {
        this(code, reason, frame -> true);
    }

    AdmittedCommand(int code, String reason, Predicate<CommandFrame> check) {
        this.code = code;
        this.reason = reason;
        this.check = check;
    }

    static Optional<AdmittedCommand> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /** Whether the proxy passes this command frame: a known command whose check, if it has one, holds. */
    static boolean admits(byte[] frame) {
        CommandFrame command = new CommandFrame(frame);
        return command.wellFormed() && of(command.code()).map(admitted -> admitted.check.test(command)).orElse(false);
    }

    /** HMAC and HMAC_Start: the key (the first handle) is a transient object or one of eflow's persistent handles. */
    private static boolean keyIsTheGuests(CommandFrame frame) {
        return frame.handle(0).stream().anyMatch(key -> key >>> 24 == TpmFrames.TPM_HT_TRANSIENT || TpmFrames.inEflowRange(key));
    }

    /**
     * EvictControl(auth, objectHandle; persistentHandle): owner authorization, the target in eflow's range, and an
     * object that is transient (being persisted) or itself one of eflow's persistent objects (being evicted).
     */
    private static boolean evictsInEflowRange(CommandFrame frame) {
        OptionalInt auth = frame.handle(0);
        OptionalInt object = frame.handle(1);
        OptionalInt persistent = frame.firstParameter(2);
        if (auth.isEmpty() || object.isEmpty() || persistent.isEmpty() || auth.getAsInt() != TpmFrames.TPM_RH_OWNER
                || !TpmFrames.inEflowRange(persistent.getAsInt())) {
            return false;
        }
        int type = object.getAsInt() >>> 24;
        return type == TpmFrames.TPM_HT_TRANSIENT || type == TpmFrames.TPM_HT_PERSISTENT && TpmFrames.inEflowRange(object.getAsInt());
    }

    /**
     * A command frame as TPM 2.0 Part 1 lays it out: the header; the handle area (4 bytes a handle, as many as the
     * command has); with tag TPM_ST_SESSIONS a UINT32 authorizationSize and that many bytes of sessions; then the
     * parameters. Reads only what is there: a field past the end is empty.
     */
    record CommandFrame(byte[] bytes) {
        boolean wellFormed() {
            if (bytes.length < TpmFrames.HEADER || ByteBuffer.wrap(bytes).getInt(2) != bytes.length) {
                return false;
            }
            int tag = TpmFrames.tag(bytes);
            return tag == TpmFrames.TPM_ST_NO_SESSIONS || tag == TpmFrames.TPM_ST_SESSIONS;
        }

        int code() {
            return TpmFrames.code(bytes);
        }

        /** The handle at {@code index} in the handle area. */
        OptionalInt handle(int index) {
            return uint32(TpmFrames.HEADER + 4L * index);
        }

        /** The first parameter, a UINT32 (a handle such as EvictControl's persistentHandle), of a command with {@code handles} handles. */
        OptionalInt firstParameter(int handles) {
            long offset = TpmFrames.HEADER + 4L * handles;
            if (TpmFrames.tag(bytes) == TpmFrames.TPM_ST_SESSIONS) {
                OptionalInt authorizationSize = uint32(offset);
                if (authorizationSize.isEmpty()) {
                    return OptionalInt.empty();
                }
                offset += 4 + Integer.toUnsignedLong(authorizationSize.getAsInt());
            }
            return uint32(offset);
        }

        private OptionalInt uint32(long offset) {
            return offset + 4 <= bytes.length ? OptionalInt.of(ByteBuffer.wrap(bytes).getInt((int) offset)) : OptionalInt.empty();
        }
    }
}
