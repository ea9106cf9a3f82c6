package io.eflow.edge.image;

/** An image that could not be pulled, stored or unpacked; the message is one line that says what to do. */
public final class ImageException extends RuntimeException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Text from an image or a registry (a digest, an entry's name) as a message may quote it: control characters
     * shown as '?', so that it stays one line and cannot write to the terminal, and cut at 200 characters.
     */
    static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
