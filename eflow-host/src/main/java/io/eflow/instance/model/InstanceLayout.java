package io.eflow.instance.model;

import io.eflow.platform.EflowPaths;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where one instance's files live. State (configuration, pinned host key, disk images) survives host reboots;
 * the run folder (mount points, the SSH socket, the backend's bundle) is rebuilt at every start.
 */
public record InstanceLayout(String name, Path state, Path run, Path log) {

    public static InstanceLayout of(EflowPaths paths, String name) {
        return new InstanceLayout(name, paths.instance(name), paths.instanceRun(name), paths.log().resolve(name));
    }

    /**
     * The name this instance's host-wide kernel objects carry (network namespace, container, cgroup, nftables table):
     * the instance name for the default install, plus a short hash of the state folder for any other EFLOW_HOME,
     * so two installs on one host (tests side by side) never touch each other's guests.
     */
    public String hostId() {
        if (state.startsWith("/var/lib/eflow/")) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(state.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return name + "-" + HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path configFile() {
        return state.resolve("config.json");
    }

    public Path disks() {
        return state.resolve("disks");
    }

    public Path disk(String file) {
        return disks().resolve(file);
    }

    public Path rootSlot(Slot slot) {
        return disk("root-" + slot.fileName() + ".img");
    }

    public Path bootSlot(Slot slot) {
        return disk("boot-" + slot.fileName() + ".img");
    }

    /** The boot-control record (active slot, trial slot and its tries) in sector 0 of a 1 MiB raw file. */
    public Path bootControl() {
        return disk("bootctl.img");
    }

    public Path dataDisk() {
        return disk("data.img");
    }

    public Path logDisk() {
        return disk("log.img");
    }

    /** The signed manifest of the image installed in a root slot, recorded at install. */
    public Path slotManifest(Slot slot) {
        return state.resolve("slots").resolve(slot.fileName()).resolve("manifest.json");
    }

    /** The guest's host public key, pinned at deploy: the host refuses any other. */
    public Path pinnedHostKey() {
        return state.resolve("keys").resolve("ssh_host_ed25519_key.pub");
    }

    /**
     * The host key being put into the guest by {@code eflow rotate-keys} (private, with its {@code .pub}); present only
     * while that runs, or after it was interrupted.
     */
    public Path incomingHostKey() {
        return state.resolve("keys").resolve("ssh_host_ed25519_key.next");
    }

    /** Host end of the management channel: sshd in the guest answers here. */
    public Path sshSocket() {
        return run.resolve("host").resolve("ssh.sock");
    }

    public Path consoleLog() {
        return log.resolve("console.log");
    }
}
