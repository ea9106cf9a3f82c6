package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A host serial port passed through to the guest (the seeds' serial passthrough), where it is {@code /dev/<guestName>}
 * for a module to take through its createOptions' {@code Devices}. What the host side may be is checked against the
 * host ({@code io.eflow.instance.SerialCheck}).
 *
 * @param hostPath  the host's port: a UART, a USB serial adapter or a pseudo-terminal, by its real path
 * @param guestName its name under /dev in the guest
 */
public record SerialPort(String hostPath, String guestName) {
    /** A qemu guest has three spare 16550 UARTs (ttyS1 to ttyS3, ttyS0 being its console). */
    public static final int MAX = 3;
    /** Names the guest's kernel or system use themselves. */
    private static final Pattern TAKEN = Pattern.compile("ttyS\\d+|tty\\d*|console|ptmx|pts|null|zero|full|random|urandom");
    private static final Pattern NAME = Pattern.compile("tty[A-Za-z0-9_]{1,20}");

    public SerialPort {
        if (hostPath == null || !Path.of(hostPath).isAbsolute()) {
            throw new InvalidValue("serial", "must be an absolute path of a host serial port, not '" + hostPath + "'");
        }
        if (guestName == null || !NAME.matcher(guestName).matches() || TAKEN.matcher(guestName).matches()) {
            throw new InvalidValue("guestName", "must be tty followed by 1 to 20 letters, digits or '_', and not a name the guest"
                    + " uses itself (ttyS0…, tty0…, console), not '" + guestName + "'");
        }
    }
}
