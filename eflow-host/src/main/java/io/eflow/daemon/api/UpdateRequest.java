package io.eflow.daemon.api;


/**
 * {@code eflow update apply} and {@code update rollback} as the daemon receives them.
 *
 * @param source a bundle file on the host (absolute) or an https URL; unused by rollback
 * @param ca     a PEM certificate file on the host to trust for an https source
 */
public record UpdateRequest(String source, boolean allowSkip, boolean allowDowngrade, boolean noRestart,
                            Integer healthTimeoutSeconds, Integer tries, String ca) {
    public UpdateOptions options() {
        return new UpdateOptions(allowSkip, allowDowngrade, noRestart, healthTimeoutSeconds, tries, ca);
    }

    public static UpdateRequest rollback(boolean noRestart) {
        return new UpdateRequest(null, false, false, noRestart, null, null, null);
    }
}
