package io.eflow.edge.image;

/** An image that could not be pulled, stored or unpacked; the message is one line that says what to do. */
public final class ImageException extends RuntimeException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
