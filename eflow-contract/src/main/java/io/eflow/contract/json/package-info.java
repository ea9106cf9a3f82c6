/**
 * How eflow's JSON mappers are made: one factory, so a record the host writes is read the same way by the guest and
 * back. A mapper that differs (a lenient reader, a sorted writer) starts from the same builder and says why.
 */
package io.eflow.contract.json;
