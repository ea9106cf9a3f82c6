/**
 * The A/B boot records and the disks they govern: the boot-control file's three sectors
 * ({@link io.eflow.boot.BootControl} record, {@link io.eflow.boot.TrialRecord}, {@link io.eflow.boot.TrialResult},
 * read and written by {@link io.eflow.boot.BootSectors}), the per-slot records of what each root slot holds
 * ({@link io.eflow.boot.SlotRecords}) and the sparse data and log disks ({@link io.eflow.boot.GuestDisks}).
 *
 * <p>These are file formats shared by three writers — the host, the VM's initramfs and the guest's health check — so
 * they live apart from anything that decides when to write them: the deployer, the backends' trial rule and the
 * updater all build on this package, and it builds on nothing but the instance values and the platform.
 */
package io.eflow.boot;
