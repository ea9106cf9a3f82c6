package io.eflow.daemon.api;

import io.eflow.instance.model.SerialPort;

import java.util.List;

/**
 * {@code eflow device list}: the host serial ports an instance gets.
 *
 * @param transport          how the backend carries them: the host's node bound in, or an emulated UART on a VM
 * @param appliesAtNextStart whether the guest runs, so that a change shows from its next start
 */
public record SerialPortList(String name, String transport, List<SerialPort> ports, boolean appliesAtNextStart) {
}
