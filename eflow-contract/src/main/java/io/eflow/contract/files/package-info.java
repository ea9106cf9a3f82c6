/**
 * Files written so that a crash or power cut leaves the old content or the new, never a mix: the host's instance
 * records and disk images and the guest's identities and twins use the same {@link io.eflow.contract.files.AtomicFile}.
 */
package io.eflow.contract.files;
