package io.eflow.daemon.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Every error the daemon returns: one line the CLI prints after {@code eflow: }. An error about values the request
 * carried also names them ({@code fields}) and says what is wrong apart from the names ({@code problem}), so a
 * client can name them its own way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, List<String> fields, String problem) {
    public ErrorBody(String error) {
        this(error, null, null);
    }
}
