/**
 * Forwards between host and guest over the management SSH connection, the host-application side of messaging:
 * into the guest (a host loopback port or UNIX socket leads to a guest port) and to the host (a guest port leads to
 * a host loopback port, e.g. a registry the guest pulls from). Nothing is opened in the guest's firewall.
 */
package io.eflow.forward;
