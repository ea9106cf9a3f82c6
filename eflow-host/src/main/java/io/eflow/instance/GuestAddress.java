package io.eflow.instance;

/** Get-EflowVmAddr's answer. */
public record GuestAddress(String ip, String mac) {
}
