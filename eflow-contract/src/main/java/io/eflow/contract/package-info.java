/**
 * The contract between eflow's host and its guest runtime. Both sides build on these types and nothing else of each
 * other: the host never loads the guest runtime's classes (they reach it only as the payload packed into the image),
 * and the guest never sees the host's.
 */
package io.eflow.contract;
