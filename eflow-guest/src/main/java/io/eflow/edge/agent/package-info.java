/**
 * The edge agent: what turns a deployment's modules into running containers.
 *
 * <p>{@link io.eflow.edge.agent.ModuleSpec#render} is the pure step from one module (its manifest entry and its
 * image's configuration) to the OCI runtime spec crun runs it with, following Docker's semantics for createOptions so
 * that existing IoT Edge manifests behave as they do under Docker. Published ports and the volume folders to create
 * come back beside the spec: they are the agent's work, not crun's.
 */
package io.eflow.edge.agent;
