package io.eflow.daemon.api;

/**
 * {@code eflow device add --serial PATH [--guest-name NAME]} (no name: the first free ttyEFLOWn), or, with only
 * {@code removeGuestName}, {@code eflow device remove}.
 */
public record SerialPortChange(String serial, String guestName, String removeGuestName) {
}
