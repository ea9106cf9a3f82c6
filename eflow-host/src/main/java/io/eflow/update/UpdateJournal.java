package io.eflow.update;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last update of an instance as the daemon saw it, kept in {@code state/update/journal.json} (synced at every
 * step) so {@code update status} can say what happened and why after any crash. It is a record of what was done, not
 * the source of truth: the boot-control record and the slot records are, and {@link Updater} reconciles the two.
 *
 * @param phase    where the update got to
 * @param fromSlot the slot that ran when it began, and its version
 * @param toSlot   the slot written, and the bundle's version
 * @param reason   why it ended as it did (failures and rollbacks)
 * @param history  timestamped steps, oldest first (bounded)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateJournal(Phase phase, Slot fromSlot, String fromVersion, Slot toSlot, String toVersion, String bundle,
                            Instant started, Instant updated, String reason, List<String> history) {
    private static final int HISTORY = 60;

    public enum Phase {
        /** Writing the inactive slot (an interruption leaves the old slot running and nothing switched). */
        WRITING,
        /** The slot is written and the trial set; the guest restarts into it. */
        SWITCHED,
        /** Written and set to be tried at the next start (--no-restart). */
        PENDING,
        /** The guest is booting the trial; its health check decides. */
        TRIAL,
        COMMITTED,
        ROLLED_BACK,
        /** Refused or failed before anything was switched: the instance is as it was. */
        FAILED,
        /** Interrupted while writing: nothing was switched; apply again. */
        INTERRUPTED,
        /** {@code update rollback}: the other slot was made active by hand. */
        ROLLED_BACK_BY_HAND;

        boolean inFlight() {
            return this == WRITING || this == SWITCHED || this == PENDING || this == TRIAL;
        }
    }

    public UpdateJournal {
        history = history == null ? List.of() : List.copyOf(history);
    }

    static UpdateJournal begin(Slot fromSlot, String fromVersion, Slot toSlot, String toVersion, String bundle) {
        Instant now = Instant.now();
        return new UpdateJournal(Phase.WRITING, fromSlot, fromVersion, toSlot, toVersion, bundle, now, now, null,
                List.of(now + " update " + fromVersion + " (slot " + fromSlot + ") -> " + toVersion + " (slot " + toSlot + ") from " + bundle));
    }

    UpdateJournal to(Phase next, String step) {
        return with(next, reason, step);
    }

    UpdateJournal ended(Phase end, String why) {
        return with(end, why, end.name().toLowerCase().replace('_', ' ') + (why == null ? "" : ": " + why));
    }

    private UpdateJournal with(Phase next, String why, String step) {
        Instant now = Instant.now();
        List<String> steps = new ArrayList<>(history);
        steps.add(now + " " + step);
        while (steps.size() > HISTORY) {
            steps.remove(0);
        }
        return new UpdateJournal(next, fromSlot, fromVersion, toSlot, toVersion, bundle, started, now, why, steps);
    }

    static Path file(InstanceLayout layout) {
        return layout.state().resolve("update").resolve("journal.json");
    }

    static Optional<UpdateJournal> read(InstanceLayout layout) {
        Path file = file(layout);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), UpdateJournal.class));
        } catch (IOException e) {
            throw EflowException.failure("cannot read the update journal " + file + ": " + e.getMessage(), e);
        }
    }

    UpdateJournal save(InstanceLayout layout) {
        FileTrees.writeDurably(file(layout), Json.write(this), "rw-------");
        return this;
    }
}
