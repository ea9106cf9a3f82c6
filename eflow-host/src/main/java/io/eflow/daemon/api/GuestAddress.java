package io.eflow.daemon.api;

/** Get-EflowVmAddr's answer. */
public record GuestAddress(String ip, String mac) {
}
