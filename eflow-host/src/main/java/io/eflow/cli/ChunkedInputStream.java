package io.eflow.cli;

import java.io.IOException;
import java.io.InputStream;

/** Decodes HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1); trailers are read and dropped. */
final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long chunkLeft;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
        if (n == -1) {
            throw new IOException("the daemon's answer ended inside a chunk");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            expectLineEnd();
        }
        return n;
    }

    /** Positions on data; false once the last (zero-size) chunk and its trailers are consumed. */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        if (chunkLeft > 0) {
            return true;
        }
        String sizeLine = DaemonHttp.readLine(in);
        if (sizeLine == null) {
            throw new IOException("the daemon's answer ended before its last chunk");
        }
        int extension = sizeLine.indexOf(';');
        String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
        try {
            chunkLeft = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + sizeLine, e);
        }
        if (chunkLeft < 0) {
            throw new IOException("bad chunk size line: " + sizeLine);
        }
        if (chunkLeft == 0) {
            for (String trailer = DaemonHttp.readLine(in); trailer != null && !trailer.isEmpty(); trailer = DaemonHttp.readLine(in)) {
                // trailers carry nothing eflow uses
            }
            done = true;
            return false;
        }
        return true;
    }

    private void expectLineEnd() throws IOException {
        String rest = DaemonHttp.readLine(in);
        if (rest == null || !rest.isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
        }
    }
}
