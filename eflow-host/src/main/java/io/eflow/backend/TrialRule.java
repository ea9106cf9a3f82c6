package io.eflow.backend;

import io.eflow.boot.BootControl;
import io.eflow.boot.BootSectors;
import io.eflow.boot.SlotRecords;
import io.eflow.boot.TrialResult;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The trial rule applied by the host ({@link BootControl#choose()}), for the backend that has no initramfs of its own
 * (namespace), and the host's way of dropping a trial that cannot boot, for both. A slot on trial is checked whole
 * against its signed root hash before it boots, dm-verity feature or not: it has never booted on this instance.
 */
public final class TrialRule {
    private TrialRule() {
    }

    /**
     * The slot this start boots, as the guest learns it from {@code /run/eflow-boot}.
     *
     * @param trial    the slot boots on trial (it was checked whole just now)
     * @param fellBack a trial slot could not boot and the active slot boots instead
     */
    public record Boot(Slot slot, boolean trial, boolean fellBack) {
    }

    /**
     * Chooses the slot, writes (and syncs) the next record before anything is mounted — a trial that hangs has used
     * its try — and drops a trial slot that holds no recorded image or does not match its root hash.
     */
    public static Boot apply(InstanceLayout layout, Consumer<String> progress) {
        BootControl record = BootControl.read(layout.bootControl());
        BootControl.Choice choice = record.choose();
        choice.next().write(layout.bootControl());
        if (record.trial() != null && record.tries() == 0) {
            result(layout, record.trial(), "trial slot " + record.trial() + " had no tries left");
            progress.accept("trial slot " + record.trial() + " has no tries left: it failed, booting slot " + record.active());
        }
        if (choice.slot().equals(record.active())) {
            return new Boot(record.active(), false, false);
        }
        Slot slot = choice.slot();
        try {
            if (!SlotRecords.holdsImage(layout, slot)) {
                throw new EflowException("slot " + slot + " holds no recorded image");
            }
            progress.accept("trial: checking root slot " + slot + " against its signed root hash");
            RootCheck.verify(layout, slot);
        } catch (EflowException e) {
            drop(layout, record, e.getMessage(), progress);
            return new Boot(record.active(), false, true);
        }
        progress.accept("trial boot of slot " + slot + " (" + choice.next().tries() + " more tries after this one)");
        return new Boot(slot, true, false);
    }

    /** A trial slot that cannot boot is cleared, with the reason in the trial result, and the active slot boots. */
    public static void drop(InstanceLayout layout, BootControl record, String why, Consumer<String> progress) {
        progress.accept("trial slot " + record.trial() + " cannot boot (" + why + "): booting slot " + record.active());
        new BootControl(record.active(), null, 0).write(layout.bootControl());
        result(layout, record.trial(), "trial slot " + record.trial() + " cannot boot: " + why);
    }

    private static void result(InstanceLayout layout, Slot slot, String reason) {
        BootSectors.writeResult(layout.bootControl(),
                new TrialResult(slot, TrialResult.Outcome.DROPPED, Instant.now(), reason.replace('\n', ' ')));
    }
}
