package io.eflow.boot;

import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the last trial ended, in the words of whoever decided it: sector 2 of the boot-control file, one ASCII line.
 * The guest's health check writes {@code healthy} (held by fault injection), {@code committed} or {@code failed};
 * the initramfs (VM) or the host (namespace guest) writes {@code dropped} when a trial slot cannot boot or has no
 * tries left. The host clears it (an empty sector) when it starts a new trial.
 *
 * <pre>EFLOWRESULT1 slot=B result=failed at=1763700000 reason=the runtime was not healthy within 300 s</pre>
 *
 * @param reason free text to the end of the line, printable ASCII
 */
public record TrialResult(Slot slot, Outcome result, Instant at, String reason) {
    public static final long OFFSET = 2L * BootControl.SECTOR;
    static final String MAGIC = "EFLOWRESULT1";
    private static final Pattern LINE = Pattern.compile(MAGIC
            + " slot=([AB]) result=(healthy|committed|failed|dropped) at=([0-9]{1,12}) reason=(.*)");

    public enum Outcome {
        HEALTHY, COMMITTED, FAILED, DROPPED;

        public String word() {
            return name().toLowerCase();
        }
    }

    public TrialResult {
        if (slot == null) {
            throw new IllegalArgumentException("a trial result names its slot");
        }
        reason = reason == null ? "" : BootSectors.printable(reason);
    }

    public String format() {
        return MAGIC + " slot=" + slot + " result=" + result.word() + " at=" + at.getEpochSecond() + " reason=" + reason;
    }

    public static TrialResult parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new EflowException("trial result is not valid: '" + BootSectors.printable(line) + "'");
        }
        return new TrialResult(Slot.valueOf(m.group(1)), Outcome.valueOf(m.group(2).toUpperCase()),
                Instant.ofEpochSecond(Long.parseLong(m.group(3))), m.group(4).strip());
    }
}
