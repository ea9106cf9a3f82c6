/**
 * Module logs: each module's stdout and stderr, kept under the guest's log partition with rotation and a size cap,
 * and read back the way {@code iotedge logs} / {@code docker logs} show them.
 *
 * <ul>
 *   <li>{@link io.eflow.edge.logs.ModuleLogs} holds one folder per module, {@code <root>/<module>/}, with
 *       {@code current.log} and the rotated {@code 1.log}, {@code 2.log}, … (newest first), at most
 *       {@code files} of them of about {@code maxFileBytes} each.</li>
 *   <li>{@link io.eflow.edge.logs.ModuleLog} is a module's writer: it drains the process's streams on daemon
 *       threads and appends whole lines, {@code <UTC instant with millis> <stdout|stderr|agent> <text>}.</li>
 *   <li>{@link io.eflow.edge.logs.LogReader} reads a folder as one sequence for a
 *       {@link io.eflow.edge.logs.Query}: tail (read backwards), since, stream filter, follow across rotations.</li>
 *   <li>{@link io.eflow.edge.logs.Since} parses {@code --since} values.</li>
 * </ul>
 */
package io.eflow.edge.logs;
