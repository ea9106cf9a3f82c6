package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A host folder the guest sees at {@code guestPath} (Add-EflowVmSharedFolder), owned by iotedge-user there.
 * A read-only one is read-only for the guest's root too. What may be shared on the host side is checked against
 * the host ({@code io.eflow.instance.ShareCheck}); the guest side is checked here.
 *
 * @param hostPath  absolute host folder, as the user gave it
 * @param guestPath absolute folder in the guest, under /home, /var, /mnt or /tmp, created at start when missing
 * @param readOnly  whether the guest may only read
 */
public record SharedFolder(String hostPath, String guestPath, boolean readOnly) {
    /** Guest paths go on a kernel command line and into mount options: nothing that could split or escape them. */
    private static final Pattern GUEST_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    private static final List<String> GUEST_ROOTS = List.of("/home/", "/var/", "/mnt/", "/tmp/");
    private static final List<String> GUEST_SYSTEM = List.of("/var/lib/", "/var/.eflow/", "/var/log/", "/var/cache/", "/var/tmp/",
            "/var/spool/", "/var/backups/");

    public SharedFolder {
        if (hostPath == null || !Path.of(hostPath).isAbsolute()) {
            throw new InvalidValue("hostPath", "must be an absolute host folder, not '" + hostPath + "'");
        }
        checkGuestPath(guestPath);
    }

    private static void checkGuestPath(String guestPath) {
        if (guestPath == null || !GUEST_PATH.matcher(guestPath).matches() || !Path.of(guestPath).normalize().toString().equals(guestPath)) {
            throw new InvalidValue("guestPath", "must be an absolute guest folder of letters, digits, '.', '_' and '-', not '"
                    + guestPath + "'");
        }
        String withSlash = guestPath + "/";
        boolean under = GUEST_ROOTS.stream().anyMatch(root -> withSlash.startsWith(root) && withSlash.length() > root.length());
        if (!under || GUEST_SYSTEM.stream().anyMatch(withSlash::startsWith)) {
            throw new InvalidValue("guestPath", "must be a folder below /home, /var, /mnt or /tmp that the guest's system does not use, not "
                    + guestPath);
        }
    }

    /** Whether one folder is inside the other in the guest (two shares cannot nest or coincide). */
    public boolean overlaps(SharedFolder other) {
        String a = guestPath + "/";
        String b = other.guestPath + "/";
        return a.startsWith(b) || b.startsWith(a);
    }
}
