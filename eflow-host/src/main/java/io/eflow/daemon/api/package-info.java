/**
 * The daemon's REST wire records: what eflowd's routes take and answer, as JSON. The CLI builds its requests and
 * reads its answers through these and nothing of the daemon's internals.
 *
 * <p>The instance manager returns these records itself ({@link io.eflow.daemon.api.InstanceSummary},
 * {@link io.eflow.daemon.api.InstanceDetails}, …), so they sit below the manager and import only values
 * (instance, firewall, host, boot); a request validates its own values so both the CLI and the daemon refuse a bad
 * one with the same words.
 */
package io.eflow.daemon.api;
