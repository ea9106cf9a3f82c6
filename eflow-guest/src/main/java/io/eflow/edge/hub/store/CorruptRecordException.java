package io.eflow.edge.hub.store;

import java.io.IOException;

/** Bytes at a record's position that are not a whole record with a matching checksum. */
final class CorruptRecordException extends IOException {
    CorruptRecordException(String message) {
        super(message);
    }
}
