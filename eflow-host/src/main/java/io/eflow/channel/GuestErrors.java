package io.eflow.channel;

import io.eflow.platform.EflowException;

import java.time.Duration;

/** The one-line errors of the management channel; each says what failed and what the user can do about it. */
final class GuestErrors {
    private GuestErrors() {
    }

    static EflowException notRunning(GuestEndpoint guest) {
        return new EflowException(409, "guest " + guest.name() + " is not running: its management socket "
                + guest.socket() + " does not exist (start it with `eflow start`)");
    }

    static EflowException refused(GuestEndpoint guest) {
        return new EflowException(409, "guest " + guest.name() + " refused the management connection on "
                + guest.socket() + ": nothing is listening there (the guest is stopped or still starting)");
    }

    static EflowException unreachable(GuestEndpoint guest, Throwable cause) {
        return EflowException.failure("cannot connect to guest " + guest.name() + " on " + guest.socket() + ": "
                + describe(cause), cause);
    }

    static EflowException hostKeyMismatch(GuestEndpoint guest) {
        return new EflowException(500, "guest " + guest.name()
                + " presented a host key that does not match the pinned one; refusing to connect");
    }

    static EflowException handshakeFailed(GuestEndpoint guest, Throwable cause) {
        return EflowException.failure("the SSH handshake with guest " + guest.name() + " failed: " + describe(cause)
                + " (see the guest's sshd log)", cause);
    }

    static EflowException authRefused(GuestEndpoint guest) {
        return new EflowException(500, "guest " + guest.name() + " refused eflow's certificate for user "
                + guest.user() + ": the guest must trust this install's user CA (TrustedUserCAKeys) and allow that user");
    }

    static EflowException connectTimeout(GuestEndpoint guest, Duration timeout) {
        return new EflowException(500, "guest " + guest.name() + " did not complete the SSH login within "
                + seconds(timeout) + " (is it overloaded or hung? try `eflow status`)");
    }

    static EflowException busy(GuestEndpoint guest, Duration timeout) {
        return new EflowException(409, "guest " + guest.name() + " is busy: no management channel became free within "
                + seconds(timeout));
    }

    static EflowException tooManyLongCalls(GuestEndpoint guest, int limit) {
        return new EflowException(409, "guest " + guest.name() + " has " + limit + " followed logs, subscriptions and terminals"
                + " open already: end one of them first");
    }

    static EflowException commandTimeout(GuestEndpoint guest, String command, Duration timeout) {
        return new EflowException(500, "command '" + abbreviate(command) + "' in guest " + guest.name()
                + " did not finish within " + seconds(timeout) + "; it was sent SIGTERM");
    }

    static EflowException lost(GuestEndpoint guest, String what, Throwable cause) {
        return EflowException.failure("the connection to guest " + guest.name() + " was lost while " + what
                + (cause == null ? "" : ": " + describe(cause)) + " (did the guest restart?)", cause);
    }

    static EflowException channelRefused(GuestEndpoint guest, Throwable cause) {
        return EflowException.failure("guest " + guest.name() + " refused to open a channel: "
                + (cause == null ? "no reason given" : describe(cause)), cause);
    }

    static EflowException invalidated(GuestEndpoint guest) {
        return new EflowException(409, "guest " + guest.name() + " was stopped while this request waited for it");
    }

    static EflowException closedPool() {
        return new EflowException(500, "the guest connection pool is closed (eflowd is shutting down)");
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    static String abbreviate(String command) {
        String oneLine = command.replace('\n', ' ');
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format("%.1f s", millis / 1000.0);
    }
}
