package io.eflow.update;

import io.eflow.backend.RootCheck;
import io.eflow.boot.BootControl;
import io.eflow.boot.BootSectors;
import io.eflow.boot.SlotRecords;
import io.eflow.boot.TrialRecord;
import io.eflow.boot.TrialResult;
import io.eflow.contract.files.NoSpace;
import io.eflow.daemon.api.UpdateOptions;
import io.eflow.image.TrustStore;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Pause;
import io.eflow.platform.Privileges;
import io.eflow.platform.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Applies update bundles to instances and watches their trials: verify, refuse out-of-sequence versions, write the
 * inactive slot, switch, restart, and wait for the guest's health check to commit or for the previous slot to come
 * back. Each step is safe to be killed at: the boot-control record only ever names whole, verified slots, and an
 * apply that finds its own work done (the slot already holds the bundle, the trial already set) carries on from there.
 */
public final class Updater {
    private static final Logger LOG = LoggerFactory.getLogger(Updater.class);
    /** Beyond the health timeout, what the host allows the guest to boot and shut down before it cuts the power. */
    private static final Duration HANG_MARGIN = Duration.ofSeconds(90);
    private static final Duration VERDICT_GRACE = Duration.ofSeconds(10);

    private final InstanceManager instances;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public Updater(InstanceManager instances) {
        this.instances = instances;
    }

    /** The daemon's start: journals of updates a crash cut short are brought in line with the boot-control record. */
    public void reconcileAll() {
        for (var summary : instances.list()) {
            try {
                status(summary.name());
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot reconcile its last update: {}", summary.name(), e.getMessage());
            }
        }
    }

    public UpdateView apply(String name, String source, UpdateOptions options, Consumer<String> progress) {
        Privileges.requireRoot();
        InstanceLayout layout = instances.layout(name);
        return locked(name, () -> {
            Path bundleFile = local(layout, source, options, progress);
            try {
                return apply(name, layout, bundleFile, source, options, progress);
            } catch (RuntimeException e) {
                if (!NoSpace.causedBy(e)) {
                    throw e;
                }
                throw EflowException.failure("update failed: " + NoSpace.describe(layout.state()) + "; " + standing(name, layout)
                        + ". Free space there and apply again", e);
            } finally {
                if (!bundleFile.toString().equals(source)) {
                    FileTrees.deleteRecursively(bundleFile);
                }
            }
        });
    }

    /**
     * What a failed apply left: by the boot-control record (what the guest boots), whether that is the slot the update
     * began on (its journal), and whether the guest runs (an apply stops it for the trial).
     */
    private String standing(String name, InstanceLayout layout) {
        try {
            BootControl record = BootControl.read(layout.bootControl());
            Optional<UpdateJournal> journal = UpdateJournal.read(layout);
            String slots;
            if (record.trial() != null) {
                slots = "slot " + record.trial() + " is on trial";
            } else if (journal.isPresent() && record.active() == journal.get().toSlot()) {
                slots = "slot " + record.active() + " with " + journal.get().toVersion() + " is the active one";
            } else {
                slots = "slot " + record.active() + " is active as before";
            }
            String guest = instances.powerState(name) == PowerState.RUNNING ? "" : ", the guest is stopped";
            return slots + guest + " (see eflow update status)";
        } catch (RuntimeException e) {
            return "see eflow update status";
        }
    }

    private Path local(InstanceLayout layout, String source, UpdateOptions options, Consumer<String> progress) {
        if (source.startsWith("https://") || source.startsWith("http://")) {
            Path target = layout.state().resolve("update").resolve("download.bundle");
            String step = "downloading " + source;
            progress.accept(step);
            BundleSource.fetch(URI.create(source), target, options.caCertificate() == null ? null : Path.of(options.caCertificate()),
                    instances.config(layout.name()).network().proxy().selector(), Progress.of(progress), step);
            return target;
        }
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
            throw EflowException.notFound("no update bundle at " + source);
        }
        return file;
    }

    private UpdateView apply(String name, InstanceLayout layout, Path bundleFile, String source, UpdateOptions options,
                             Consumer<String> progress) {
        TrustStore trust = TrustStore.load(instances.paths());
        VerifiedBundle bundle = BundleReader.open(bundleFile, trust);
        Semver version = bundle.manifest().semver();
        BootControl record = BootControl.read(layout.bootControl());
        Slot active = record.active();
        Slot target = active.other();
        Semver installed = installedVersion(layout, active);
        if (version.equals(installed) && record.trial() == null) {
            return view(name, layout, "already running " + version + " on slot " + active + ": nothing to do");
        }
        checkSequence(version, installed, options);
        progress.accept("bundle " + version + " (signed by a trusted key); slot " + active + " runs " + installed);
        UpdateJournal journal = UpdateJournal.begin(active, installed.toString(), target, version.toString(), source).save(layout);
        FaultPoint.VERIFIED.reach(instances.paths(), () -> instances.powerOff(name));

        if (holdsBundle(layout, target, bundle)) {
            progress.accept("slot " + target + " already holds " + version + " (verified): resuming");
        } else {
            journal = writeSlot(name, layout, bundle, trust, target, record, journal, progress);
        }

        // The switch: the trial's terms first, the record that starts it last (each synced).
        BootSectors.writeResult(layout.bootControl(), null);
        BootSectors.writeTrial(layout.bootControl(), new TrialRecord(target, version.toString(), options.healthTimeoutSeconds(),
                FaultPoint.BEFORE_COMMIT.armed(instances.paths())));
        new BootControl(active, target, options.tries()).write(layout.bootControl());
        journal = journal.to(options.noRestart() ? UpdateJournal.Phase.PENDING : UpdateJournal.Phase.SWITCHED,
                "slot " + target + " set on trial (" + options.tries() + " tries, health within " + options.healthTimeoutSeconds() + " s)")
                .save(layout);
        progress.accept("slot " + target + " is set on trial");
        FaultPoint.SWITCHED.reach(instances.paths(), () -> instances.powerOff(name));

        if (options.noRestart()) {
            return view(name, layout, "update " + version + " staged on slot " + target + ": the next start tries it");
        }
        if (instances.powerState(name) == PowerState.RUNNING) {
            progress.accept("stopping the guest");
            instances.stop(name);
        }
        FaultPoint.STOPPED.reach(instances.paths(), () -> instances.powerOff(name));
        journal = journal.to(UpdateJournal.Phase.TRIAL, "restarting into slot " + target).save(layout);
        return watchTrial(name, layout, journal, options, progress);
    }

    private UpdateJournal writeSlot(String name, InstanceLayout layout, VerifiedBundle bundle, TrustStore trust, Slot target,
                                    BootControl record, UpdateJournal journal, Consumer<String> progress) {
        if (target.equals(record.trial())) {
            // A trial of the slot about to be rewritten must not start from it half-way.
            new BootControl(record.active(), null, 0).write(layout.bootControl());
        }
        progress.accept("writing slot " + target);
        InstalledBundle installed;
        try {
            installed = BundleInstaller.install(bundle, trust, layout.rootSlot(target),
                    bundle.manifest().hasBootParts() ? layout.bootSlot(target) : null,
                    () -> FaultPoint.WRITING.reach(instances.paths(), () -> instances.powerOff(name)),
                    () -> SlotRecords.clear(layout, target), progress);
        } catch (RuntimeException e) {
            try {
                journal.ended(UpdateJournal.Phase.FAILED, e.getMessage() + "; slot " + record.active() + " runs as before").save(layout);
            } catch (RuntimeException unsaved) {
                // a full disk can refuse the journal too: the failure itself is what the user must read
                e.addSuppressed(unsaved);
            }
            throw e;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("manifest.json", installed.manifestJson());
        files.put("manifest.sig", installed.manifestSig());
        files.put(SlotRecords.BUNDLE, installed.bundleJson());
        files.put(SlotRecords.BUNDLE_SIGNATURE, installed.bundleSig());
        SlotRecords.record(layout, target, files);
        journal = journal.to(UpdateJournal.Phase.WRITING, "slot " + target + " written and verified").save(layout);
        FaultPoint.WRITTEN.reach(instances.paths(), () -> instances.powerOff(name));
        return journal;
    }

    /**
     * Starts the guest into its trial and waits for the decision the guest writes: committed (the record names the
     * trial slot active) or rolled back (the previous one). A guest that stops (it halts itself after a failed trial,
     * or dies) is started again, and the trial rule decides what boots; one that neither decides nor stops within the
     * timeout has its power cut, which uses up its try.
     */
    private UpdateView watchTrial(String name, InstanceLayout layout, UpdateJournal journal, UpdateOptions options,
                                  Consumer<String> progress) {
        Slot target = journal.toSlot();
        Duration allowed = Duration.ofSeconds(options.healthTimeoutSeconds()).plus(HANG_MARGIN);
        Instant deadline = Instant.now().plus(allowed);
        int starts = 0;
        while (true) {
            BootControl record = BootControl.read(layout.bootControl());
            if (record.trial() == null) {
                return finish(name, layout, journal, record, progress);
            }
            Optional<TrialResult> result = BootSectors.result(layout.bootControl());
            if (result.filter(r -> r.result() == TrialResult.Outcome.HEALTHY && r.slot().equals(target)).isPresent()
                    && FaultPoint.BEFORE_COMMIT.armed(instances.paths())) {
                // Let the next boot commit on its own; then the guest and the daemon die here.
                BootSectors.trial(layout.bootControl()).ifPresent(t -> BootSectors.writeTrial(layout.bootControl(), t.withoutHold()));
                FaultPoint.BEFORE_COMMIT.reach(instances.paths(), () -> instances.powerOff(name));
            }
            if (instances.powerState(name) != PowerState.RUNNING) {
                if (starts > options.tries() + 1) {
                    throw abandon(name, layout, journal, record, "the guest did not come up after " + starts + " starts");
                }
                starts++;
                progress.accept(starts == 1 ? "starting the guest on trial slot " + target : "starting the guest again");
                try {
                    instances.start(name);
                    if (starts == 1) {
                        progress.accept("guest up; waiting for its health check (within " + options.healthTimeoutSeconds() + " s)");
                    }
                } catch (EflowException e) {
                    progress.accept("the guest did not come up: " + e.getMessage());
                    journal = journal.to(UpdateJournal.Phase.TRIAL, "start failed: " + e.getMessage()).save(layout);
                    instances.powerOff(name);
                }
                FaultPoint.TRIAL_BOOT.reach(instances.paths(), () -> instances.powerOff(name));
                deadline = Instant.now().plus(allowed);
                continue;
            }
            if (Instant.now().isAfter(deadline)) {
                progress.accept("no decision within " + allowed.toSeconds() + " s: cutting the guest's power");
                journal = journal.to(UpdateJournal.Phase.TRIAL, "no decision within " + allowed.toSeconds() + " s: power cut").save(layout);
                instances.powerOff(name);
                continue;
            }
            Pause.millis(500);
        }
    }

    private UpdateView finish(String name, InstanceLayout layout, UpdateJournal journal, BootControl record,
                              Consumer<String> progress) {
        String version = installedVersion(layout, record.active()).toString();
        Optional<TrialResult> result = verdict(name, layout, journal.toSlot());
        if (record.active().equals(journal.toSlot())) {
            FaultPoint.COMMITTED.reach(instances.paths(), () -> instances.powerOff(name));
            instances.recordActiveSlot(name, record.active(), version);
            journal.ended(UpdateJournal.Phase.COMMITTED, null).save(layout);
            progress.accept("slot " + record.active() + " committed: running " + version);
            return view(name, layout, "updated to " + version + " (slot " + record.active() + ")");
        }
        String why = result.map(TrialResult::reason).filter(r -> !r.isBlank()).orElse("the trial slot was dropped");
        if (result.filter(r -> r.result() == TrialResult.Outcome.FAILED).isPresent()) {
            awaitHalt(name, progress);
        }
        FaultPoint.FAILED_TRIAL.reach(instances.paths(), () -> instances.powerOff(name));
        if (instances.powerState(name) != PowerState.RUNNING) {
            progress.accept("trial failed (" + why + "): starting slot " + record.active() + " again");
            instances.start(name);
        }
        instances.recordActiveSlot(name, record.active(), version);
        journal.ended(UpdateJournal.Phase.ROLLED_BACK, why).save(layout);
        throw new EflowException(409, "update to " + journal.toVersion() + " rolled back: " + why + "; running "
                + version + " on slot " + record.active());
    }

    /**
     * The trial slot's result (the host cleared the sector when the trial began, so one for that slot is this trial's).
     * The guest writes it before the record it acts on, but a guest of an older image wrote them the other way round:
     * a running guest gets a few seconds to catch up.
     */
    private Optional<TrialResult> verdict(String name, InstanceLayout layout, Slot trialSlot) {
        Instant deadline = Instant.now().plus(VERDICT_GRACE);
        while (true) {
            Optional<TrialResult> result = BootSectors.result(layout.bootControl());
            if (result.filter(r -> r.slot().equals(trialSlot)).isPresent() || Instant.now().isAfter(deadline)
                    || instances.powerState(name) != PowerState.RUNNING) {
                return result;
            }
            Pause.millis(200);
        }
    }

    /** A guest that failed its trial halts itself after writing its verdict; one that takes too long is stopped. */
    private void awaitHalt(String name, Consumer<String> progress) {
        Instant deadline = Instant.now().plus(HANG_MARGIN);
        while (instances.powerState(name) == PowerState.RUNNING) {
            if (Instant.now().isAfter(deadline)) {
                progress.accept("the guest did not halt after its failed trial: stopping it");
                instances.stop(name);
                return;
            }
            Pause.millis(500);
        }
    }

    /** A guest that will not come up at all goes back to the previous slot by the host's hand. */
    private EflowException abandon(String name, InstanceLayout layout, UpdateJournal journal, BootControl record, String why) {
        new BootControl(record.active(), null, 0).write(layout.bootControl());
        BootSectors.writeResult(layout.bootControl(), new TrialResult(journal.toSlot(), TrialResult.Outcome.FAILED, Instant.now(), why));
        journal.ended(UpdateJournal.Phase.ROLLED_BACK, why).save(layout);
        try {
            instances.start(name);
        } catch (EflowException e) {
            LOG.warn("{}: the previous slot did not start either: {}", name, e.getMessage());
        }
        return new EflowException(409, "update to " + journal.toVersion() + " rolled back: " + why);
    }

    /** {@code eflow update rollback}: a pending trial is cancelled; otherwise the other slot, verified, becomes active. */
    public UpdateView rollback(String name, boolean noRestart, Consumer<String> progress) {
        Privileges.requireRoot();
        InstanceLayout layout = instances.layout(name);
        return locked(name, () -> {
            BootControl record = BootControl.read(layout.bootControl());
            if (record.trial() != null) {
                new BootControl(record.active(), null, 0).write(layout.bootControl());
                BootSectors.writeResult(layout.bootControl(), new TrialResult(record.trial(), TrialResult.Outcome.DROPPED,
                        Instant.now(), "cancelled by update rollback"));
                UpdateJournal.read(layout).filter(j -> j.phase().inFlight())
                        .ifPresent(j -> j.ended(UpdateJournal.Phase.ROLLED_BACK_BY_HAND, "trial cancelled before it ran").save(layout));
                return view(name, layout, "the trial of slot " + record.trial() + " is cancelled; slot " + record.active() + " stays");
            }
            Slot previous = record.active().other();
            if (!SlotRecords.holdsImage(layout, previous)) {
                throw EflowException.conflict("slot " + previous + " holds no image: there is nothing to roll back to");
            }
            progress.accept("checking slot " + previous + " against its signed root hash");
            SlotVerification.verify(layout, previous, TrustStore.load(instances.paths()));
            RootCheck.verify(layout, previous);
            String from = installedVersion(layout, record.active()).toString();
            String to = installedVersion(layout, previous).toString();
            new BootControl(previous, null, 0).write(layout.bootControl());
            instances.recordActiveSlot(name, previous, to);
            UpdateJournal.begin(record.active(), from, previous, to, "update rollback")
                    .ended(UpdateJournal.Phase.ROLLED_BACK_BY_HAND, "rolled back by hand from " + from).save(layout);
            if (!noRestart && instances.powerState(name) == PowerState.RUNNING) {
                progress.accept("restarting on slot " + previous);
                instances.stop(name);
                instances.start(name);
            }
            return view(name, layout, "rolled back to " + to + " (slot " + previous + ")" + (noRestart ? " from the next start" : ""));
        });
    }

    /** {@code update check} for an instance: what {@code source} offers, set against the release its active slot runs. */
    public List<UpdateCheck.Row> check(String name, String source, Path caPemOrNull) {
        InstanceLayout layout = instances.layout(name);
        Semver installed = installedVersion(layout, BootControl.read(layout.bootControl()).active());
        return UpdateCheck.source(source, caPemOrNull, TrustStore.load(instances.paths()), installed,
                instances.config(name).network().proxy().selector());
    }

    /** What happened: the journal brought in line with the boot-control record, which a guest or a crash may have changed. */
    public UpdateView status(String name) {
        InstanceLayout layout = instances.layout(name);
        Optional<UpdateJournal> journal = UpdateJournal.read(layout);
        BootControl record = BootControl.read(layout.bootControl());
        if (journal.isPresent() && journal.get().phase().inFlight() && Privileges.isRoot()) {
            UpdateJournal j = journal.get();
            if (record.trial() == null && j.phase() == UpdateJournal.Phase.WRITING) {
                j.ended(UpdateJournal.Phase.INTERRUPTED, "interrupted before the switch; slot " + record.active()
                        + " runs as before; apply the bundle again").save(layout);
            } else if (record.trial() == null) {
                String version = installedVersion(layout, record.active()).toString();
                instances.recordActiveSlot(name, record.active(), version);
                if (record.active().equals(j.toSlot())) {
                    j.ended(UpdateJournal.Phase.COMMITTED, null).save(layout);
                } else {
                    j.ended(UpdateJournal.Phase.ROLLED_BACK, BootSectors.result(layout.bootControl()).map(TrialResult::reason)
                            .filter(r -> !r.isBlank()).orElse("the trial slot was dropped")).save(layout);
                }
            }
        }
        return view(name, layout, null);
    }

    private UpdateView view(String name, InstanceLayout layout, String message) {
        BootControl record = BootControl.read(layout.bootControl());
        Map<String, String> slots = new LinkedHashMap<>();
        for (Slot slot : Slot.values()) {
            slots.put(slot.name(), SlotRecords.holdsImage(layout, slot) ? SlotRecords.version(layout, slot).orElse("unknown") : "empty");
        }
        Optional<UpdateJournal> journal = UpdateJournal.read(layout);
        String line = message != null ? message : describe(record, journal.orElse(null));
        return new UpdateView(name, record.active(), slots.get(record.active().name()), record.trial(),
                record.trial() == null ? null : record.tries(), slots, BootSectors.result(layout.bootControl()).orElse(null),
                journal.orElse(null), line);
    }

    private static String describe(BootControl record, UpdateJournal journal) {
        if (record.trial() != null) {
            return "slot " + record.trial() + " is on trial (" + record.tries() + " boots left)";
        }
        if (journal == null) {
            return "no update applied yet; slot " + record.active() + " is active";
        }
        return switch (journal.phase()) {
            case COMMITTED -> "updated from " + journal.fromVersion() + " to " + journal.toVersion() + " at " + journal.updated();
            case ROLLED_BACK -> "update to " + journal.toVersion() + " rolled back at " + journal.updated() + ": " + journal.reason();
            case ROLLED_BACK_BY_HAND -> "rolled back by hand to " + journal.toVersion() + " at " + journal.updated();
            case INTERRUPTED, FAILED -> "update to " + journal.toVersion() + " did not happen: " + journal.reason();
            default -> "update to " + journal.toVersion() + ": " + journal.phase().name().toLowerCase();
        };
    }

    private static void checkSequence(Semver version, Semver installed, UpdateOptions options) {
        int order = version.compareTo(installed);
        if (order < 0 && !options.allowDowngrade()) {
            throw new InvalidValue(409, List.of("allowDowngrade"), "is needed: bundle " + version
                    + " is older than the installed " + installed);
        }
        if (order > 0 && !version.isNextAfter(installed) && !options.allowSkip()) {
            throw new InvalidValue(409, List.of("allowSkip"), "is needed: bundle " + version
                    + " skips versions after the installed " + installed + " (updates go in sequence)");
        }
    }

    private static boolean holdsBundle(InstanceLayout layout, Slot slot, VerifiedBundle bundle) {
        Optional<byte[]> recorded = SlotRecords.file(layout, slot, SlotRecords.BUNDLE);
        if (recorded.isEmpty() || !Arrays.equals(recorded.get(), bundle.manifestJson())) {
            return false;
        }
        try {
            RootCheck.verify(layout, slot);
            return true;
        } catch (EflowException e) {
            return false;
        }
    }

    private static Semver installedVersion(InstanceLayout layout, Slot slot) {
        return Semver.ofImageVersion(SlotRecords.version(layout, slot)
                .orElseThrow(() -> EflowException.failure("slot " + slot + " has no recorded image", null)));
    }

    private <T> T locked(String name, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw EflowException.conflict("an update of '" + name + "' is already under way");
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
