package io.eflow.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkedInputStreamTest {

    private static InputStream chunked(String wire) {
        return new ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void decodesChunksWithExtensionsAndTrailers() throws IOException {
        InputStream in = chunked("5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT");

        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("hello 0123456789");
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void readsByteByByte() throws IOException {
        InputStream in = chunked("2\r\nab\r\n0\r\n\r\n");

        assertThat(in.read()).isEqualTo('a');
        assertThat(in.read()).isEqualTo('b');
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void failsOnTruncationAndGarbage() {
        assertThatThrownBy(() -> chunked("5\r\nhel").readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("inside a chunk");
        assertThatThrownBy(() -> chunked("5\r\nhello\r\n").readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("last chunk");
        assertThatThrownBy(() -> chunked("zz\r\n").readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("bad chunk size");
        assertThatThrownBy(() -> chunked("2\r\nabc\r\n").readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("CRLF");
    }
}
