package io.eflow.cli;

import io.eflow.daemon.api.KeysRotated;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Replaces SSH keys without losing access: a guest's host key (running: written into it; stopped: onto its disk), or
 * with {@code --all} the install's user CA and then every guest's host key. An interrupted run is finished by running
 * it again.
 */
@Command(name = "rotate-keys", description = {
        "Rotate SSH keys without losing access: the guest's host key (--name, default the only instance), or with --all the",
        "install's user CA (every guest trusts the new CA, the host switches to it, every guest drops the old one) and then",
        "every guest's host key. Stopped guests are updated on their disks. Run it again to finish an interrupted rotation."})
final class RotateKeysCommand extends EflowCommand implements Runnable {
    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Mixin
    JsonOption json;

    /** One guest, or the whole install. */
    static final class Target {
        @Option(names = "--name", paramLabel = "NAME", description = "Instance name (default: the only instance).")
        String name;

        @Option(names = "--all", description = "The user CA and every instance's host key.")
        boolean all;
    }

    @Override
    public void run() {
        KeysRotated rotated = target.all ? client().rotateAllKeys() : client().rotateKeys(target.name);
        print(json, rotated, RotateKeysCommand::text);
    }

    static String text(KeysRotated rotated) {
        StringBuilder text = new StringBuilder();
        if (rotated.userCa() != null) {
            KeysRotated.UserCa ca = rotated.userCa();
            text.append("user CA: ").append(ca.previous()).append(" -> ").append(ca.current())
                    .append(" (").append(ca.guests()).append(ca.guests() == 1 ? " guest trusts" : " guests trust")
                    .append(" the new CA alone)\n");
        }
        for (KeysRotated.HostKey key : rotated.hostKeys()) {
            text.append(key.name()).append(": host key ").append(key.previous()).append(" -> ").append(key.current())
                    .append(key.running() ? " (in the running guest)" : " (stopped: on its data disk)").append('\n');
        }
        return text.toString();
    }
}
