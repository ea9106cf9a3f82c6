package io.eflow.platform;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Copies a stream into a file in two threads: the caller reads blocks (and so whatever the stream does as bytes pass,
 * such as digesting them) while a writer thread writes the blocks before them. Reading-and-hashing and writing each
 * cost a core about as long as the other for an update bundle; one after the other, in small pieces, an apply took
 * their sum. At most {@link #BLOCKS} blocks are in flight, so memory stays bounded whatever the size.
 *
 * <p>The writer is never interrupted (that would close the caller's channel under it): a failure on either side is
 * handed over the queues, and the copy returns only once the writer has stopped touching the file.
 */
public final class PipedCopy {
    /** Large enough that a syscall and a queue hand-off are noise, small enough to stay in a core's cache. */
    static final int BLOCK_SIZE = 256 * 1024;
    static final int BLOCKS = 8;

    private static final Block END = new Block(new byte[0]);

    private final FileChannel out;
    private final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    /** One more than the blocks, so the end mark always fits. */
    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(BLOCKS + 1);
    private volatile IOException failure;

    private PipedCopy(FileChannel out) {
        this.out = out;
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new Block(new byte[BLOCK_SIZE]));
        }
    }

    /**
     * Reads exactly {@code count} bytes from {@code in} and writes them to {@code out} from {@code position} on; fewer
     * is an error. Nothing is forced to disk: the caller syncs once, when the whole file is written.
     */
    public static void copy(InputStream in, FileChannel out, long position, long count) throws IOException {
        new PipedCopy(out).run(in, position, count);
    }

    private void run(InputStream in, long position, long count) throws IOException {
        Thread writer = new Thread(this::write, "eflow-piped-copy");
        writer.setDaemon(true);
        writer.start();
        try {
            long copied = 0;
            while (copied < count) {
                Block block = take(free);
                throwIfFailed();
                int n = in.readNBytes(block.bytes, 0, (int) Math.min(BLOCK_SIZE, count - copied));
                if (n == 0) {
                    free.add(block);
                    throw new EOFException("the stream ended after " + copied + " of " + count + " bytes");
                }
                block.position = position + copied;
                block.length = n;
                full.add(block);
                copied += n;
            }
        } finally {
            full.add(END);
            joinUninterruptibly(writer);
        }
        throwIfFailed();
    }

    /** The writer thread: writes blocks until the end mark; after a failure it only hands the blocks back. */
    private void write() {
        while (true) {
            Block block = takeUninterruptibly(full);
            if (block == END) {
                return;
            }
            if (failure == null) {
                try {
                    ByteBuffer buffer = ByteBuffer.wrap(block.bytes, 0, block.length);
                    long position = block.position;
                    while (buffer.hasRemaining()) {
                        position += out.write(buffer, position);
                    }
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(e.getMessage(), e);
                }
            }
            free.add(block);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Block take(BlockingQueue<Block> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying");
        }
    }

    private static Block takeUninterruptibly(BlockingQueue<Block> queue) {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // nobody interrupts the writer; the end mark is what stops it
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        Uninterruptibly.<Void, RuntimeException>await(() -> {
            thread.join();
            return null;
        });
    }

    /** A buffer and, once filled, where its bytes go. */
    private static final class Block {
        final byte[] bytes;
        long position;
        int length;

        Block(byte[] bytes) {
            this.bytes = bytes;
        }
    }
}
