package io.eflow.boot;

import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootControlTest {
    @TempDir
    Path tmp;

    @Test
    void formatsAndParsesTheOneLine() {
        assertThat(BootControl.initial().format()).isEqualTo("EFLOWBOOT1 active=A trial=- tries=0");
        BootControl trial = new BootControl(Slot.A, Slot.B, 3);
        assertThat(trial.format()).isEqualTo("EFLOWBOOT1 active=A trial=B tries=3");
        assertThat(BootControl.parse("EFLOWBOOT1 active=A trial=B tries=3")).isEqualTo(trial);
        assertThat(BootControl.parse("EFLOWBOOT1 active=B trial=- tries=0\n")).isEqualTo(new BootControl(Slot.B, null, 0));
        assertThat(BootControl.initial().withTrial(Slot.B, 2)).isEqualTo(new BootControl(Slot.A, Slot.B, 2));
    }

    @Test
    void refusesMalformedRecords() {
        for (String bad : new String[] {"", "EFLOWBOOT2 active=A trial=- tries=0", "EFLOWBOOT1 active=C trial=- tries=0",
                "EFLOWBOOT1 active=A trial=X tries=0", "EFLOWBOOT1 active=A trial=B tries=-1", "EFLOWBOOT1 active=A trial=B",
                "EFLOWBOOT1 active=A trial=- tries=2", "EFLOWBOOT1 trial=- active=A tries=0", "EFLOWBOOT1 active=A trial=B tries=1000"}) {
            assertThatThrownBy(() -> BootControl.parse(bad)).as(bad).isInstanceOf(EflowException.class);
        }
        assertThatThrownBy(() -> new BootControl(Slot.A, null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BootControl(null, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chooseBootsTheActiveSlotWhenNothingIsOnTrial() {
        BootControl.Choice choice = new BootControl(Slot.B, null, 0).choose();
        assertThat(choice.slot()).isEqualTo(Slot.B);
        assertThat(choice.next()).isEqualTo(new BootControl(Slot.B, null, 0));
    }

    @Test
    void chooseBootsATrialWithTriesLeftAndSpendsOne() {
        BootControl.Choice choice = new BootControl(Slot.A, Slot.B, 2).choose();
        assertThat(choice.slot()).isEqualTo(Slot.B);
        assertThat(choice.next()).isEqualTo(new BootControl(Slot.A, Slot.B, 1));
        BootControl.Choice last = choice.next().choose();
        assertThat(last.slot()).isEqualTo(Slot.B);
        assertThat(last.next()).isEqualTo(new BootControl(Slot.A, Slot.B, 0));
    }

    @Test
    void chooseDropsATrialWithoutTriesAndBootsTheActiveSlot() {
        BootControl.Choice choice = new BootControl(Slot.A, Slot.B, 0).choose();
        assertThat(choice.slot()).isEqualTo(Slot.A);
        assertThat(choice.next()).isEqualTo(new BootControl(Slot.A, null, 0));
    }

    @Test
    void writesSectorZeroAsTheInitramfsReadsIt() throws IOException {
        Path file = tmp.resolve("bootctl.img");
        new BootControl(Slot.A, Slot.B, 1).write(file);
        assertThat(Files.size(file)).isEqualTo(BootControl.FILE_BYTES);
        byte[] bytes = Files.readAllBytes(file);
        byte[] line = "EFLOWBOOT1 active=A trial=B tries=1\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(bytes, line.length)).isEqualTo(line);
        for (int i = line.length; i < bytes.length; i++) {
            assertThat(bytes[i]).as("byte %d", i).isZero();
        }
        assertThat(BootControl.read(file)).isEqualTo(new BootControl(Slot.A, Slot.B, 1));

        // Rewriting a shorter line leaves no tail of the longer one, and keeps the rest of the file.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(4096);
            raf.write(42);
        }
        new BootControl(Slot.B, null, 0).write(file);
        assertThat(BootControl.read(file)).isEqualTo(new BootControl(Slot.B, null, 0));
        assertThat(Files.readAllBytes(file)[4096]).isEqualTo((byte) 42);
        assertThat(Files.size(file)).isEqualTo(BootControl.FILE_BYTES);
    }

    @Test
    void readRefusesAnUninitialisedRecord() throws IOException {
        Path file = tmp.resolve("zero.img");
        Files.write(file, new byte[4096]);
        assertThatThrownBy(() -> BootControl.read(file)).isInstanceOf(EflowException.class).hasMessageContaining("not valid");
    }
}
