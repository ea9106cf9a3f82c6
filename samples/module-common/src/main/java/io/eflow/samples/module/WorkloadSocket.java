package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.hsm.UnixDomainSocketChannel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The SDK's way to IoT Edge's workload API (the module's trust bundle and the signatures of its SAS tokens), on the
 * JDK's own UNIX-domain sockets: no native library in the image. The SDK opens it once per request with the socket's
 * path (IOTEDGE_WORKLOADURI without its {@code unix://}), writes the HTTP request, reads the answer until the runtime
 * closes the connection (-1), then closes it. A read waits at most {@link #READ_TIMEOUT}: a runtime that never answers
 * fails the attempt, which the module makes again later, instead of holding the module for ever.
 */
public final class WorkloadSocket implements UnixDomainSocketChannel {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final String SCHEME = "unix://";

    private final Duration readTimeout;
    private SocketChannel channel;
    private Selector selector;

    public WorkloadSocket() {
        this(READ_TIMEOUT);
    }

    WorkloadSocket(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    @Override
    public void open(String address) throws IOException {
        close();
        String path = address.startsWith(SCHEME) ? address.substring(SCHEME.length()) : address;
        SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            opened.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            opened.close();
            throw new IOException("cannot connect to the workload API at " + path + ": " + e.getMessage(), e);
        }
        channel = opened;
    }

    @Override
    public void write(byte[] output) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(output);
        while (buffer.hasRemaining()) {
            open().write(buffer);
        }
    }

    /** Up to {@code inputBuffer.length} bytes; -1 once the runtime has closed its end (the answer is whole). */
    @Override
    public int read(byte[] inputBuffer) throws IOException {
        SocketChannel socket = open();
        if (inputBuffer.length == 0) {
            return 0;
        }
        if (selector == null) {
            // reads wait in a selector, not in the channel: a blocking UNIX-domain channel has no read timeout
            socket.configureBlocking(false);
            selector = Selector.open();
            socket.register(selector, SelectionKey.OP_READ);
        }
        ByteBuffer buffer = ByteBuffer.wrap(inputBuffer);
        long deadline = System.nanoTime() + readTimeout.toNanos();
        while (true) {
            int read = socket.read(buffer);
            if (read != 0) {
                return read;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the workload API did not answer within " + readTimeout.toSeconds() + " s");
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        try (Selector s = selector; SocketChannel c = channel) {
            selector = null;
            channel = null;
        }
    }

    private SocketChannel open() throws IOException {
        if (channel == null) {
            throw new IOException("the workload socket is not open");
        }
        return channel;
    }
}
