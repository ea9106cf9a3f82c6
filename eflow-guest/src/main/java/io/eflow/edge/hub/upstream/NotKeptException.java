package io.eflow.edge.hub.upstream;

/**
 * A message from upstream that the hub could not keep. Thrown out of a subscription's handler, it makes the
 * connection end without acknowledging the message, so IoT Hub sends it again.
 */
final class NotKeptException extends RuntimeException {
    NotKeptException(String message, Throwable cause) {
        super(message, cause);
    }
}
