package io.eflow.cli;

import io.eflow.daemon.api.SerialPortChange;
import io.eflow.daemon.api.SerialPortList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Host serial ports in the guest (the seeds' serial passthrough), from the next start: /dev/NAME there, for a module
 * to take through its createOptions' HostConfig.Devices. A VM gets an emulated UART on the host's port (QEMU applies
 * the speed and framing the guest sets); a namespace guest gets the host's node itself.
 */
@Command(name = "device", description = "Pass host serial ports through to the guest.",
        subcommands = {DeviceCommand.Add.class, DeviceCommand.ListPorts.class, DeviceCommand.Remove.class})
final class DeviceCommand extends CommandGroup {

    @Command(name = "add", description = "From the next start: eflow device add --serial /dev/ttyUSB0 [--guest-name ttyEFLOW0]")
    static final class Add extends InstanceCommand implements Runnable {
        @Option(names = "--serial", required = true, paramLabel = "PATH", description = "The host's serial port (a UART, USB"
                + " adapter or pseudo-terminal).")
        String serial;

        @Option(names = "--guest-name", paramLabel = "NAME", description = "Its name under /dev in the guest (default: the first"
                + " free ttyEFLOWn).")
        String guestName;

        @Override
        public void run() {
            print(json, client().changeSerialPorts(name.instance(), new SerialPortChange(context().absolute(serial), guestName, null)), DeviceCommand::text);
        }
    }

    @Command(name = "list", description = "The serial ports the instance gets.")
    static final class ListPorts extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().serialPorts(name.instance()), DeviceCommand::text);
        }
    }

    @Command(name = "remove", description = "From the next start: eflow device remove --guest-name ttyEFLOW0")
    static final class Remove extends InstanceCommand implements Runnable {
        @Option(names = "--guest-name", required = true, paramLabel = "NAME", description = "The port's name in the guest.")
        String guestName;

        @Override
        public void run() {
            print(json, client().changeSerialPorts(name.instance(), new SerialPortChange(null, null, guestName)), DeviceCommand::text);
        }
    }

    static String text(SerialPortList list) {
        return TextRenderer.hostResources(list.name(), "serial ports", list.ports(), list.transport(), list.appliesAtNextStart());
    }
}
