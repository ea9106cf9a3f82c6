package io.eflow.edge.cloud;

/** DPS's six-digit error codes in plain words, as DPS's troubleshooting guide groups them by their HTTP status. */
final class DpsErrors {
    private DpsErrors() {
    }

    /** @param message DPS's own message, added after the plain words when there is one */
    static String describe(int errorCode, String message) {
        int status = errorCode >= 100000 ? errorCode / 1000 : errorCode;
        String words = switch (status) {
            case 0 -> "no error code";
            case 400 -> "DPS found the request malformed: a registration id or payload it does not take";
            case 401 -> "DPS did not accept the device's proof: a wrong id scope, registration id, key or certificate,"
                    + " no enrollment for it, or a disabled enrollment";
            case 403 -> "DPS forbids it: the DPS instance's quota of registrations is used up";
            case 404 -> "DPS has no such registration or operation";
            case 412 -> "DPS's copy changed meanwhile (a precondition failed)";
            case 429 -> "DPS is throttling this device: too many requests; tried again later";
            default -> status >= 500 ? "DPS failed on its side; tried again later" : "DPS answered status " + status;
        };
        String code = errorCode == 0 ? "" : " (error " + errorCode + ")";
        String said = message == null || message.isBlank() ? "" : "; DPS said: " + message.lines().findFirst().orElse("");
        return words + code + said;
    }
}
