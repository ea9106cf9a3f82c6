/**
 * Integration tests on real guests, and the harness they share.
 * <p>
 * <b>Tiers by tag, not by copies.</b> A class that boots a guest is {@link io.eflow.it.BothBackends} (tag {@code both}),
 * {@link io.eflow.it.QemuOnly} (tag {@code qemu}) or {@link io.eflow.it.NamespaceOnly}. The build runs each backend's
 * half in a JVM of its own, namespace first: one backend's guests are alive at a time, and a failure in one half
 * does not hide the other's. The qemu half selects by JUnit tag expression: {@code vm} in the CI tier (the checks
 * marked {@link io.eflow.it.VmCheck}, of what differs in a VM), {@code qemu | both} in the full tier. A test that needs
 * to know the tier (a smaller count, fewer fault points) asks {@link io.eflow.it.Backends}, which also reads the
 * backend switch every class obeys.
 * <p>
 * <b>One install per half.</b> {@link io.eflow.it.TestHost} is the run's EFLOW_HOME, image and shared guests; classes
 * that change a shared guest put it back when their invocation ends ({@code @AfterParameterizedClassInvocation}), so
 * their order does not matter (the build can shuffle it).
 * <p>
 * <b>Nothing left behind.</b> Everything a run makes is named after its home ({@link io.eflow.it.HarnessRun}): guests'
 * host objects by eflow's own records, helpers by pid files, the attacker network by the run's id. A run that was
 * killed is swept by the next one ({@link io.eflow.it.HarnessSweep}), and only if its JVM is really gone: other
 * people's runs on the same host are never touched. A home is deleted only once nothing is mounted under it.
 */
package io.eflow.it;
