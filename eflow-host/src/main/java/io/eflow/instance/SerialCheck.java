package io.eflow.instance;

import io.eflow.instance.model.SerialPort;
import io.eflow.platform.InvalidValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which host devices may go to a guest as a serial port: character devices of the serial kinds (a UART, a USB
 * adapter, a pseudo-terminal such as {@code socat pty} makes), judged by their real path and numbers. The host's own
 * consoles and terminals (tty0…63, /dev/tty, /dev/console) and every other device are refused.
 */
final class SerialCheck {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private SerialCheck() {
    }

    /** The ports with one more, by its real path; throws, naming the field, when it cannot be added. */
    static List<SerialPort> add(List<SerialPort> current, SerialPort port) {
        Path real = device(port.hostPath());
        for (SerialPort existing : current) {
            if (existing.guestName().equals(port.guestName())) {
                throw new InvalidValue("guestName", port.guestName() + " is taken by " + existing.hostPath());
            }
            if (existing.hostPath().equals(real.toString())) {
                throw new InvalidValue("serial", port.hostPath() + " is passed through already, as " + existing.guestName());
            }
        }
        if (current.size() >= SerialPort.MAX) {
            throw new InvalidValue("serial", "cannot be added: an instance has at most " + SerialPort.MAX + " serial ports");
        }
        List<SerialPort> more = new ArrayList<>(current);
        more.add(new SerialPort(real.toString(), port.guestName()));
        return List.copyOf(more);
    }

    /** The first free name of the form ttyEFLOW0, ttyEFLOW1, … */
    static String freeName(List<SerialPort> current) {
        for (int i = 0; ; i++) {
            String name = "ttyEFLOW" + i;
            if (current.stream().noneMatch(port -> port.guestName().equals(name))) {
                return name;
            }
        }
    }

    private static Path device(String hostPath) {
        Path path = Path.of(hostPath);
        if (!Files.exists(path)) {
            throw new InvalidValue("serial", hostPath + " does not exist");
        }
        try {
            Path real = path.toRealPath();
            int mode = (Integer) Files.getAttribute(real, "unix:mode");
            long rdev = (Long) Files.getAttribute(real, "unix:rdev");
            long major = ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L);
            long minor = (rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L);
            if ((mode & S_IFMT) != S_IFCHR || !serial(major, minor)) {
                throw new InvalidValue("serial", hostPath + " is not a serial port (a UART, USB serial adapter or pseudo-terminal)");
            }
            return real;
        } catch (IOException e) {
            throw new InvalidValue("serial", hostPath + " cannot be read: " + e.getMessage());
        }
    }

    /** Linux's device numbers (Documentation/admin-guide/devices.txt) of serial kinds. */
    private static boolean serial(long major, long minor) {
        return (major == 4 && minor >= 64) // ttyS*: 0-63 are the host's virtual consoles
                || (major >= 136 && major <= 143) // Unix98 pseudo-terminal slaves (/dev/pts/*)
                || major == 166 // ttyACM*
                || major == 188 // ttyUSB*
                || major == 204; // low-density serial ports (ttyAMA*, …)
    }
}
