/**
 * IoT Edge's workload API: how a module gets its SAS tokens signed, the trust bundle and certificates without ever
 * holding its key. {@link io.eflow.edge.workload.WorkloadSockets} serves one UNIX socket per module, owned by the
 * module's user; {@link io.eflow.edge.workload.WorkloadApi} answers on it with the hub's identities and edge CA.
 */
package io.eflow.edge.workload;
