package io.eflow.contract.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A failure that is a full disk ({@code ENOSPC}), which the user fixes by freeing space, not by reporting a bug. */
public final class NoSpace {
    private NoSpace() {
    }

    /** Whether {@code e} or one of its causes is {@code ENOSPC}, by the message Java gives it. */
    public static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** "the disk holding FOLDER is full (N MiB free)", for a one-line error that says where to make room. */
    public static String describe(Path folder) {
        Path existing = folder.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            long free = existing == null ? 0 : Files.getFileStore(existing).getUsableSpace();
            return "the disk holding " + folder + " is full (" + (free >> 20) + " MiB free)";
        } catch (IOException e) {
            return "the disk holding " + folder + " is full";
        }
    }
}
