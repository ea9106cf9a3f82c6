/**
 * Instances as a whole: the {@link io.eflow.instance.InstanceManager} (deploy, start, stop, set, remove, inspect),
 * the {@link io.eflow.instance.Deployer}, the {@link io.eflow.instance.InstanceStore} of configurations and the
 * helpers the manager needs (network allocation, host routes, guest access, log bundles).
 *
 * <p>This is the one package that knows every backend: it picks one ({@link io.eflow.instance.BackendChoice}) and
 * builds it. Nothing it builds on imports it back — backends, boot records, the REST records and the instance values
 * are below it; the daemon, forwards, the runtime clients and the updater are above it.
 */
package io.eflow.instance;
