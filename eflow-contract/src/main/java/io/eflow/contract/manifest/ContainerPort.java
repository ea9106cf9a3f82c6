package io.eflow.contract.manifest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A container port as Docker writes it, "80/tcp" (tcp when no protocol is given). */
public record ContainerPort(int port, String protocol) {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");

    /** @throws IllegalArgumentException when the text is not port[/tcp|udp|sctp] with a port from 1 to 65535 */
    public static ContainerPort parse(String text) {
        Matcher m = FORM.matcher(text);
        int port = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' is not a container port: port[/tcp|udp|sctp], port 1 to 65535");
        }
        return new ContainerPort(port, m.group(2) == null ? "tcp" : m.group(2));
    }

    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
