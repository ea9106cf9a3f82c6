package io.eflow.modules;

import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.Request;
import io.eflow.platform.EflowException;

/** A guest runtime's {@link Failure} as the host's one error model: a status by its kind, and one line. */
final class Failures {
    private Failures() {
    }

    static EflowException toException(String instance, Request<?> request, Failure failure) {
        String message = failure.message();
        return switch (failure.kind()) {
            case BAD_REQUEST, IMAGE -> new EflowException(400, message);
            case MANIFEST -> new EflowException(400, "invalid deployment manifest: "
                    + (failure.path() == null ? "" : failure.path() + ": ") + message);
            case NOT_FOUND -> EflowException.notFound(message);
            case CONFLICT -> EflowException.conflict(message);
            case TIMEOUT -> new EflowException(504, message);
            case UPSTREAM -> new EflowException(502, message);
            case INTERNAL -> EflowException.failure("the edge runtime in guest '" + instance + "' failed on '" + request.op()
                    + "': " + message, null);
        };
    }
}
