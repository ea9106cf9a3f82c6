package io.eflow.host;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's name, for deploy's default instance name (Deploy-Eflow names the VM {@code <COMPUTERNAME>-EFLOW}). */
public final class HostName {
    private HostName() {
    }

    public static String get() {
        try {
            // the kernel's own answer needs no resolver, so a host with broken DNS still deploys
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException ignored) {
            // not Linux: ask Java below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "eflow";
        }
    }
}
