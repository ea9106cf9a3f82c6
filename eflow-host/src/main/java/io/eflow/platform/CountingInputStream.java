package io.eflow.platform;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reports the bytes read through it to a {@link Progress}, at most once per percent of {@code total}. With no total
 * (a download without a length) it reports nothing: a bar needs an end.
 */
public final class CountingInputStream extends FilterInputStream {
    private final Progress progress;
    private final String step;
    private final long total;
    private final long every;
    private long done;
    private long reported;

    public CountingInputStream(InputStream in, Progress progress, String step, long total) {
        super(in);
        this.progress = progress;
        this.step = step;
        this.total = total;
        this.every = Math.max(1, total / 100);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(long n) {
        if (total <= 0) {
            return;
        }
        done += n;
        if (done - reported >= every || done == total) {
            reported = done;
            progress.bytes(step, done, total);
        }
    }
}
