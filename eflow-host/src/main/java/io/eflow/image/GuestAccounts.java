package io.eflow.image;

import io.eflow.instance.model.GuestUser;
import io.eflow.platform.EflowException;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds an account to the guest's passwd, group, shadow and gshadow text, as {@code useradd} would, but
 * without running anything from the image. Fails instead of guessing when the name or id is taken.
 */
final class GuestAccounts {
    private GuestAccounts() {
    }

    /** The account eflow's users log in as (the original's {@code iotedge-user}). */
    record Account(String name, int uid, int gid, String gecos, String home, String shell) {
        static Account iotedgeUser() {
            return new Account(GuestUser.NAME, GuestUser.UID, GuestUser.GID, "IoT Edge user", "/home/" + GuestUser.NAME, "/bin/bash");
        }
    }

    static String addToPasswd(String passwd, Account a) {
        checkFree(passwd, "/etc/passwd", a.name(), a.uid());
        return append(passwd, a.name() + ":x:" + a.uid() + ":" + a.gid() + ":" + a.gecos() + ":" + a.home() + ":" + a.shell());
    }

    static String addToGroup(String group, Account a) {
        checkFree(group, "/etc/group", a.name(), a.gid());
        return append(group, a.name() + ":x:" + a.gid() + ":");
    }

    /**
     * No password ({@code *}: nothing hashes to it), so the account is reachable only with an SSH certificate.
     * Not {@code !}: sshd without PAM treats a {@code !} password as a locked account and refuses every login.
     */
    static String addToShadow(String shadow, Account a, long lastChangeDays) {
        checkFree(shadow, "/etc/shadow", a.name(), -1);
        return append(shadow, a.name() + ":*:" + lastChangeDays + ":0:99999:7:::");
    }

    static String addToGshadow(String gshadow, Account a) {
        checkFree(gshadow, "/etc/gshadow", a.name(), -1);
        return append(gshadow, a.name() + ":!::");
    }

    /** The fields of the passwd line for {@code name}, if any. */
    static List<String> find(String table, String name) {
        for (String line : table.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length > 0 && fields[0].equals(name)) {
                return List.of(fields);
            }
        }
        return List.of();
    }

    private static void checkFree(String table, String file, String name, int id) {
        List<String> clashes = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields[0].equals(name)) {
                clashes.add("name " + name);
            } else if (id >= 0 && fields.length > 2 && fields[2].equals(Integer.toString(id))) {
                clashes.add("id " + id + " (" + fields[0] + ")");
            }
        }
        if (!clashes.isEmpty()) {
            throw EflowException.failure("the Debian base already has " + String.join(", ", clashes) + " in " + file, null);
        }
    }

    private static String append(String table, String line) {
        String base = table.isEmpty() || table.endsWith("\n") ? table : table + "\n";
        return base + line + "\n";
    }
}
