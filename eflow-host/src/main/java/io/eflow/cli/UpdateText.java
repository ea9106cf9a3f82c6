package io.eflow.cli;

import io.eflow.update.UpdateView;

/** {@code update status} and friends as text: the one-line verdict first, then the slots and the last trial. */
final class UpdateText {
    private UpdateText() {
    }

    static String render(UpdateView view) {
        StringBuilder out = new StringBuilder(view.message()).append('\n');
        out.append(String.format("%-12s %s (slot %s)%n", "running", view.version(), view.activeSlot()));
        if (view.trialSlot() != null) {
            out.append(String.format("%-12s slot %s, %d boots left%n", "trial", view.trialSlot(), view.triesLeft()));
        }
        view.slots().forEach((slot, version) -> out.append(String.format("%-12s %s%n", "slot " + slot, version)));
        if (view.lastTrial() != null) {
            var trial = view.lastTrial();
            out.append(String.format("%-12s slot %s %s at %s%s%n", "last trial", trial.slot(), trial.result().word(), trial.at(),
                    trial.reason().isBlank() ? "" : ": " + trial.reason()));
        }
        return out.toString().stripTrailing();
    }
}
