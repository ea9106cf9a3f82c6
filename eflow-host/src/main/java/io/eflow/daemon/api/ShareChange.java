package io.eflow.daemon.api;

import io.eflow.instance.model.SharedFolder;

import java.util.List;

/**
 * {@code eflow share add} (Add-EflowVmSharedFolder): folders to add, all or none; or, with {@code removeGuestPath},
 * the one to remove (Remove-EflowVmSharedFolder).
 */
public record ShareChange(List<SharedFolder> add, String removeGuestPath) {

    public ShareChange {
        add = add == null ? List.of() : List.copyOf(add);
    }
}
