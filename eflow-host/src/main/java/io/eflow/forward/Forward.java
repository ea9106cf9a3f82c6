package io.eflow.forward;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.eflow.platform.EflowException;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One forward as the user states it.
 *
 * @param direction into the guest (host side listens) or to the host (guest side listens)
 * @param host      the host side: a loopback port ({@code 8080}, {@code 127.0.0.1:8080}, {@code localhost:8080}) or,
 *                  into the guest only, an absolute UNIX socket path
 * @param guestPort the port on the guest's loopback
 */
public record Forward(Direction direction, String host, int guestPort) {
    private static final Pattern TCP = Pattern.compile("(?:(?:127\\.0\\.0\\.1|localhost):)?(\\d{1,5})");

    public enum Direction { INTO_GUEST, TO_HOST }

    public Forward {
        if (direction == null || host == null) {
            throw new EflowException("a forward needs a direction and a host side");
        }
        checkPort(guestPort, "guest port");
        HostSide side = HostSide.parse(host);
        if (direction == Direction.TO_HOST && side.socket() != null) {
            throw new EflowException("a forward to the host goes to a host port, not a UNIX socket: " + host);
        }
        host = side.canonical();
    }

    @JsonIgnore
    public HostSide hostSide() {
        return HostSide.parse(host);
    }

    /** The host side, parsed: exactly one of a loopback TCP port or a UNIX socket path. */
    public record HostSide(int port, Path socket) {
        static HostSide parse(String text) {
            Matcher tcp = TCP.matcher(text);
            if (tcp.matches()) {
                int port = Integer.parseInt(tcp.group(1));
                checkPort(port, "host port");
                return new HostSide(port, null);
            }
            if (text.startsWith("/") && !text.endsWith("/") && !text.contains("\0")) {
                return new HostSide(0, Path.of(text).normalize());
            }
            throw new EflowException("host side '" + text + "' is neither a loopback port (8080, 127.0.0.1:8080)"
                    + " nor an absolute UNIX socket path");
        }

        String canonical() {
            return socket != null ? socket.toString() : "127.0.0.1:" + port;
        }
    }

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new EflowException(what + " " + port + " is not a port (1-65535)");
        }
    }

    /** How `forward list` shows it. */
    @Override
    public String toString() {
        return direction == Direction.INTO_GUEST ? host + " -> guest:" + guestPort : "guest:" + guestPort + " -> " + host;
    }
}
