/**
 * The parts of the OCI runtime spec (config.json) that eflow writes, as records Jackson writes as they stand: the
 * host's namespace backend builds a guest's spec from them, the guest's edge agent each module's. Only what both
 * write is typed here; the rest of a spec stays a tree where it is built, with the reason next to each value.
 */
package io.eflow.contract.oci;
