package io.eflow.boot;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eflow.platform.EflowException;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sector 0 of the boot-control disk, which the guest's initramfs writes too (and a crash may leave half written):
 * read, or refused with an {@link EflowException} whose message is one printable line. A record that is read is
 * written back to the same sector bytes' meaning, and booting by it gives the trial slot at most its tries, one per
 * boot, after which the committed slot boots for good.
 */
class BootControlFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void sectors(byte[] input) {
        byte[] sector = Arrays.copyOf(input, Math.min(input.length, BootControl.SECTOR));
        BootControl record;
        try {
            record = BootControl.fromSector(sector);
        } catch (EflowException e) {
            assertThat(e.getMessage()).matches("[\\x20-\\x7e…]+");
            return;
        }
        assertThat(BootControl.fromSector(record.toSector())).isEqualTo(record);
        int trialBoots = 0;
        BootControl state = record;
        for (int boot = 0; boot <= record.tries() + 1; boot++) {
            BootControl.Choice choice = state.choose();
            if (record.trial() != null && choice.slot() == record.trial() && choice.slot() != record.active()) {
                trialBoots++;
            }
            state = BootControl.fromSector(choice.next().toSector());
        }
        assertThat(trialBoots).isLessThanOrEqualTo(record.tries());
        assertThat(state).isEqualTo(new BootControl(record.active(), null, 0));
        assertThat(state.choose().slot()).isEqualTo(record.active());
    }
}
