package io.eflow.channel;

import io.eflow.channel.GuestSession.StaleSessionException;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An interactive login shell on a pty, as {@code eflow connect} gives one: for the console's terminal. The pty merges
 * stdout and stderr as a terminal does, and its size follows the browser's window.
 */
final class RemoteShell {

    private RemoteShell() {
    }

    static int run(ClientSession session, GuestEndpoint guest, int columns, int rows, InputStream in, OutputStream out,
                   Consumer<TerminalResize> opened, Deadline deadline) throws StaleSessionException {
        ChannelShell shell = ChannelOpening.open(session, guest, deadline, () -> open(session, guest, columns, rows, in, out, deadline));
        try {
            opened.accept((newColumns, newRows) -> {
                try {
                    shell.sendWindowChange(newColumns, newRows);
                } catch (IOException e) {
                    // the shell is going away; its end reaches the caller through run's return
                }
            });
            shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), deadline.remainingMillis());
            Integer status = shell.getExitStatus();
            return status == null ? -1 : status;
        } finally {
            shell.close(true);
        }
    }

    private static ChannelShell open(ClientSession session, GuestEndpoint guest, int columns, int rows, InputStream in, OutputStream out,
                                     Deadline deadline) throws IOException {
        PtyChannelConfiguration pty = new PtyChannelConfiguration();
        pty.setPtyType("xterm-256color");
        pty.setPtyColumns(columns);
        pty.setPtyLines(rows);
        ChannelShell shell = session.createShellChannel(pty, Map.of());
        shell.setIn(in);
        shell.setOut(out);
        shell.setRedirectErrorStream(true);
        return ChannelOpening.awaitOpen(shell, guest, deadline);
    }
}
