package io.eflow.daemon.api;

import io.eflow.instance.model.SharedFolder;

import java.util.List;

/**
 * {@code eflow share list}: an instance's shared folders (Get-EflowVmSharedFolder).
 *
 * @param transport          how the backend carries them: a bind mount, or virtio-9p on a VM
 * @param appliesAtNextStart whether the guest runs, so that a change shows from its next start
 */
public record ShareList(String name, String transport, List<SharedFolder> shares, boolean appliesAtNextStart) {
}
