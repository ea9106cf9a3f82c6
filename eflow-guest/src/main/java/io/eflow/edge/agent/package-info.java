/**
 * The edge agent: what turns a deployment's modules into running containers and keeps them running.
 *
 * <p>{@link io.eflow.edge.agent.EdgeAgent} keeps the applied deployment on the data disk (read with the contract's
 * manifest reader, so the host refused a bad one with the same words already) and runs one
 * {@link io.eflow.edge.agent.Reconciler} loop that closes the gap between desired and running: create, recreate,
 * start in startupOrder, stop, remove, and restart by each module's restart policy after a
 * {@link io.eflow.edge.agent.Backoff}. One thread changes state; container exits and health probes only record what
 * happened and wake it, so reports never see a half-done step.
 *
 * <p>{@link io.eflow.edge.agent.ModuleSpec#render} is the pure step from one module (its manifest entry and its
 * image's configuration) to the OCI runtime spec crun runs it with (written from the contract's
 * {@link io.eflow.contract.oci} records), following Docker's semantics for createOptions so that existing IoT Edge
 * manifests behave as they do under Docker. Published ports and the volume folders to create come back beside the
 * spec: they are the agent's work, not crun's. Each module runs in a user namespace of its own
 * ({@link io.eflow.edge.agent.ContainerProcess} says why), from an image the agent pulled or loaded into the blob
 * store ({@link io.eflow.edge.agent.ModuleImages}) and collects once unused ({@link io.eflow.edge.agent.ImageCollector}).
 *
 * <p>The agent runs with or without the edge hub: it reaches the hub only through
 * {@link io.eflow.edge.device.ModuleHub}, which learns each deployment before its modules start and gives each module
 * its generation id and a workload API socket of its own (never its key, unless its deployment asks); tests of the agent alone use {@link io.eflow.edge.device.ModuleHub#NONE}.
 */
package io.eflow.edge.agent;
