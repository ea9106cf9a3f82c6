package io.eflow.contract.wire;

import java.io.IOException;

/** Where a streamed request's {@link Reply.Data} go, as they come, while the requester is there to read them. */
public interface ReplyStream {
    /** @throws IOException when the requester went away */
    void send(Reply.Data data) throws IOException;

    /** False once the requester hung up: a follow ends then. */
    boolean open();
}
