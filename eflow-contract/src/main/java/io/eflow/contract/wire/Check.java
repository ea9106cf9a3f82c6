package io.eflow.contract.wire;

/**
 * One line of {@code eflow check} (like {@code iotedge check}).
 *
 * @param status ok, warning or error
 */
public record Check(String id, String description, String status, String detail) {
    public Check withResult(String description, String status, String detail) {
        return new Check(id, description, status, detail);
    }
}
