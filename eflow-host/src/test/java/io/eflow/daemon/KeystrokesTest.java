package io.eflow.daemon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class KeystrokesTest {

    @Test
    void keysWrittenByThreadsThatHaveEndedAreStillReadThenTheEnd() throws Exception {
        TerminalSocket.Keystrokes keys = new TerminalSocket.Keystrokes();
        for (String chunk : new String[]{"uname", " -a", "\r"}) {
            Thread writer = new Thread(() -> {
                try {
                    keys.offer(chunk.getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            writer.join(); // a pipe would now fail: its last writer is dead
        }
        keys.end();

        assertThat(new String(keys.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("uname -a\r");
        assertThat(keys.read()).isEqualTo(-1);
    }
}
