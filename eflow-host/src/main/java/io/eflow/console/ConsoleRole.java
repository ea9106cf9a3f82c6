package io.eflow.console;

import io.eflow.platform.InvalidValue;

import java.util.Locale;

/**
 * What a console user or API token may do, each role all the one before it may: {@code viewer} reads everything but
 * secrets; {@code operator} also runs the day's work (start, stop, module restarts and methods, deployments, forwards);
 * {@code admin} also deploys, removes, updates and changes the firewall, provisioning, networks and console users.
 */
public enum ConsoleRole {
    VIEWER, OPERATOR, ADMIN;

    public boolean allows(ConsoleRole needed) {
        return compareTo(needed) >= 0;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConsoleRole parse(String word) {
        for (ConsoleRole role : values()) {
            if (role.word().equals(word)) {
                return role;
            }
        }
        throw new InvalidValue("role", "must be viewer, operator or admin, not '" + word + "'");
    }
}
