package io.eflow.boot;

import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a trial boot must prove, written by the host when it switches to a trial slot: sector 1 of the boot-control
 * file ({@link BootControl#FILE_BYTES}), one ASCII line plus zeros, read by the guest's health check on both backends
 * ({@code /dev/vda} in a VM, {@code /run/eflow-bootctl} in a namespace guest).
 *
 * <pre>EFLOWTRIAL1 slot=B version=0.2.0 timeout=300 hold=0</pre>
 *
 * @param slot           the slot on trial
 * @param version        the version written into it (shown in messages)
 * @param timeoutSeconds from the guest's start: init done, sshd answering and the runtime healthy within this, or
 *                       the trial fails
 * @param hold           fault injection only: once healthy, the guest reports {@code healthy} and waits before
 *                       committing while this is set (the host clears it)
 */
public record TrialRecord(Slot slot, String version, int timeoutSeconds, boolean hold) {
    public static final long OFFSET = BootControl.SECTOR;
    static final String MAGIC = "EFLOWTRIAL1";
    private static final Pattern LINE = Pattern.compile(MAGIC
            + " slot=([AB]) version=([0-9A-Za-z.+-]{1,64}) timeout=([0-9]{1,5}) hold=([01])");

    public TrialRecord {
        if (slot == null) {
            throw new IllegalArgumentException("a trial record names its slot");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 99_999) {
            throw new IllegalArgumentException("timeout must be 1..99999 s, not " + timeoutSeconds);
        }
    }

    public String format() {
        return MAGIC + " slot=" + slot + " version=" + version + " timeout=" + timeoutSeconds + " hold=" + (hold ? 1 : 0);
    }

    public static TrialRecord parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new EflowException("trial record is not valid: '" + BootSectors.printable(line) + "'");
        }
        return new TrialRecord(Slot.valueOf(m.group(1)), m.group(2), Integer.parseInt(m.group(3)), m.group(4).equals("1"));
    }

    public TrialRecord withoutHold() {
        return new TrialRecord(slot, version, timeoutSeconds, false);
    }
}
