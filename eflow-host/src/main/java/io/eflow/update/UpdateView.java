package io.eflow.update;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.eflow.boot.TrialResult;
import io.eflow.instance.model.Slot;

import java.util.Map;

/**
 * What {@code eflow update status} shows: the slots as the boot-control record has them, the last trial's outcome as
 * its decider wrote it, and the last update as the daemon saw it.
 *
 * @param activeSlot    the committed slot
 * @param version       its release version
 * @param trialSlot     a slot set to be tried at the next start, or null
 * @param triesLeft     boots the trial slot still gets
 * @param slots         each slot's version, or "empty"
 * @param lastTrial     the last trial's result (guest, initramfs or host), or null
 * @param lastUpdate    the daemon's journal of the last update, or null
 * @param message       one line: what happened and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateView(String instance, Slot activeSlot, String version, Slot trialSlot, Integer triesLeft,
                         Map<String, String> slots, TrialResult lastTrial, UpdateJournal lastUpdate, String message) {
}
