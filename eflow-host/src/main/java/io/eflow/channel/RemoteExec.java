package io.eflow.channel;

import io.eflow.channel.GuestSession.StaleSessionException;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** One non-interactive command on an exec channel: no pty, stdin from bytes, stdout and stderr kept apart. */
final class RemoteExec {
    /** Linux numbers of the signals OpenSSH names in exit-signal (RFC 4254 §6.10 drops the "SIG" prefix). */
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15));
    private static final byte[] NO_INPUT = new byte[0];

    private RemoteExec() {
    }

    static CommandResult run(ClientSession session, GuestEndpoint guest, String command, byte[] stdin,
            Deadline deadline) throws StaleSessionException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = run(session, guest, command, new ByteArrayInputStream(stdin == null ? NO_INPUT : stdin), out, err, deadline);
        return new CommandResult(exit, out.toByteArray(), err.toByteArray());
    }

    /**
     * Runs {@code command} with its output written to {@code out} and {@code err} as it arrives; returns its exit code.
     * {@code stdin} is read until its end, which the command sees as EOF.
     */
    static int run(ClientSession session, GuestEndpoint guest, String command, InputStream stdin, OutputStream out,
            OutputStream err, Deadline deadline) throws StaleSessionException {
        ChannelExec channel = ChannelOpening.open(session, guest, deadline,
                () -> openExec(session, guest, command, stdin, out, err, deadline));
        try {
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                    deadline.remainingMillis());
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                terminate(channel);
                throw GuestErrors.commandTimeout(guest, command, deadline.budget());
            }
            return exitCode(channel, guest, command);
        } finally {
            channel.close(true);
        }
    }

    /** Shells report death by signal n as 128+n; callers get the same convention. */
    static int exitCode(ChannelExec channel, GuestEndpoint guest, String command) {
        Integer status = channel.getExitStatus();
        if (status != null) {
            return status;
        }
        String signal = channel.getExitSignal();
        if (signal != null) {
            return 128 + SIGNALS.getOrDefault(signal, 127);
        }
        throw GuestErrors.lost(guest, "running '" + GuestErrors.abbreviate(command) + "'", null);
    }

    /**
     * Closing the channel alone would leave the command running in the guest (no pty, so no SIGHUP): send it SIGTERM
     * with a "signal" request (RFC 4254 §6.9), which MINA's client has no method for.
     */
    private static void terminate(ChannelExec channel) {
        try {
            Buffer request = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            request.putUInt(channel.getRecipient());
            request.putString("signal");
            request.putBoolean(false);
            request.putString("TERM");
            channel.writePacket(request);
        } catch (IOException | RuntimeException e) {
            // the session is going away, which ends the command anyway
        }
    }

    private static ChannelExec openExec(ClientSession session, GuestEndpoint guest, String command, InputStream stdin,
            OutputStream out, OutputStream err, Deadline deadline) throws IOException {
        ChannelExec channel = session.createExecChannel(command);
        // stdin is always given, possibly empty: its end is what sends EOF, so `cat` and friends do not wait forever
        channel.setIn(stdin);
        channel.setOut(out);
        channel.setErr(err);
        return ChannelOpening.awaitOpen(channel, guest, deadline);
    }
}
