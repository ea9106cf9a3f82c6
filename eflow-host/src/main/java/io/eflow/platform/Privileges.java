package io.eflow.platform;

import com.sun.security.auth.module.UnixSystem;

/** eflow manages mounts, namespaces and firewalls, so it needs root, as the original needs an elevated session. */
public final class Privileges {
    private Privileges() {
    }

    public static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    public static void requireRoot() {
        if (!isRoot()) {
            throw new EflowException(403, "eflow needs root: run it with sudo (the original needs an elevated session too)");
        }
    }
}
