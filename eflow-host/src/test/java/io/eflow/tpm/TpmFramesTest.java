package io.eflow.tpm;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TpmFramesTest {
    private static byte[] command(int code, int size) {
        return ByteBuffer.allocate(size).putShort((short) 0x8001).putInt(size).putInt(code).array();
    }

    @Test
    void readCommandsPassAndChangingOnesDoNot() {
        assertThat(TpmFrames.allowed(command(0x17B, 12))).as("GetRandom").isTrue();
        assertThat(TpmFrames.allowed(command(0x14E, 10))).as("NV_Read").isTrue();
        assertThat(TpmFrames.allowed(command(0x137, 10))).as("NV_Write").isFalse();
        assertThat(TpmFrames.allowed(command(0x126, 10))).as("Clear").isFalse();
        assertThat(TpmFrames.allowed(command(0x131, 10))).as("CreatePrimary").isFalse();
        assertThat(TpmFrames.allowed(command(0x121, 10))).as("EvictControl").isFalse();
    }

    @Test
    void theRefusalIsATpmResponseWithTheCommandCodeError() {
        ByteBuffer refusal = ByteBuffer.wrap(TpmFrames.refusal());
        assertThat(refusal.getShort(0)).isEqualTo((short) 0x8001);
        assertThat(refusal.getInt(2)).isEqualTo(10);
        assertThat(refusal.getInt(6)).isEqualTo(0x143);
    }

    @Test
    void framesAreReadWholeAndNonsenseSizesAreRejected() throws IOException {
        byte[] frame = command(0x17B, 12);
        assertThat(TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(frame)))).isEqualTo(frame);
        assertThat(TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(new byte[0])))).isNull();
        assertThatThrownBy(() -> TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(command(0x17B, 1 << 20)))))
                .hasMessageContaining("not a TPM frame");
        assertThatThrownBy(() -> TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(Arrays.copyOf(frame, 11)))))
                .hasMessageContaining("ended inside a frame");
    }

    @Test
    void turningPassthroughOnWithoutAHostTpmIsRefusedClearly() {
        assertThatThrownBy(() -> new TpmPassthrough("/nonexistent/tpmrm0").requireHostTpm())
                .isInstanceOf(EflowException.class)
                .hasMessage("this host has no TPM (/nonexistent/tpmrm0); TPM passthrough needs one");
    }
}
