/**
 * Servicing updates: signed A/B update bundles, trial boot, health commit and automatic rollback.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li><b>Bundle</b> ({@code eflow image bundle}): one uncompressed tar, entries in this order: {@code bundle.json}
 *   (the bundle manifest: format, semantic version, architecture, the image's version, every following entry's
 *   size and sha256), {@code bundle.sig} (Ed25519 over bundle.json's exact bytes, the release key), then the image's
 *   own signed parts ({@code manifest.json}, {@code manifest.sig}, {@code rootfs.erofs}, {@code rootfs.verity},
 *   {@code vmlinux}, {@code initrd.img}). A reader checks the signature before it reads any part, and every part's
 *   digest while streaming it into the inactive slot.</li>
 *   <li><b>Boot control</b> ({@code disks/bootctl.img}): sector 0 the {@link io.eflow.boot.BootControl} record
 *   (active slot, trial slot, tries), sector 1 the {@link io.eflow.boot.TrialRecord} (what the trial must prove,
 *   written by the host at the switch), sector 2 the {@link io.eflow.boot.TrialResult} (how it ended, written by
 *   whoever decided). The guest sees the same file as {@code /dev/vda} in a VM and as {@code /run/eflow-bootctl}
 *   (a read-write bind mount) in a namespace guest; the slot it booted is in {@code /run/eflow-boot}
 *   ({@code slot=B}, written by the initramfs in a VM, bind-mounted read-only from the host in a namespace guest).</li>
 *   <li><b>Trial rule</b>: a trial slot with tries left is booted and loses a try before it is mounted; one with none
 *   left is dropped and the active slot boots. The initramfs applies it in a VM, the host in a namespace guest.</li>
 *   <li><b>Health commit</b> (in the guest, {@code eflow-health} service): in a trial boot, init done, sshd answering
 *   and the runtime healthy within the trial's timeout make the guest write {@code active=<trial>} (committed);
 *   anything else makes it write {@code active=<previous>} with the reason and halt, so the next start is on the
 *   previous slot whoever starts it.</li>
 *   <li><b>Orchestration</b> (the daemon): verify, refuse out-of-sequence versions, write the inactive slot, switch,
 *   restart, watch the trial to its end, keep a journal ({@code state/update/journal.json}) that {@code update status}
 *   reads. Every step leaves the instance startable on a verified slot; applying again resumes.</li>
 * </ul>
 *
 * <h2>The classes</h2>
 * {@link io.eflow.update.BundleWriter} writes a bundle from a verified image; {@link io.eflow.update.BundleReader#open}
 * checks its header (signature, format, architecture, parts) and gives a {@link io.eflow.update.VerifiedBundle}, whose
 * {@code readParts} streams the parts to a {@link io.eflow.update.PartSink} and checks each one's digest;
 * {@link io.eflow.update.BundleInstaller} is the sink that fills the inactive slots and commits them only when every
 * part matched. {@link io.eflow.update.UpdateCatalog} ({@code catalog.json}) lists a folder's bundles with their signed
 * headers; {@link io.eflow.update.BundleSource} fetches catalogs and bundles over HTTPS; {@link io.eflow.update.UpdateCheck}
 * says what a source offers relative to the installed {@link io.eflow.update.Semver}.
 */
package io.eflow.update;
