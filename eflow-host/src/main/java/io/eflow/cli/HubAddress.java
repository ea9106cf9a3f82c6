package io.eflow.cli;

/**
 * A module and one of its inputs or outputs as the command line names them, {@code filter/input1}: the short form of
 * IoT Edge's {@code BrokeredEndpoint("/modules/filter/inputs/input1")}.
 *
 * @param endpoint the input or output; null when only the module was named
 */
record HubAddress(String module, String endpoint) {

    /** MODULE/INPUT, both needed: where a message goes. */
    static HubAddress target(String text) {
        HubAddress address = parse(text);
        if (address == null || address.endpoint() == null) {
            throw new IllegalArgumentException("TARGET must be MODULE/INPUT, e.g. filter/input1, not '" + text + "'");
        }
        return address;
    }

    /** MODULE or MODULE/OUTPUT: whose messages to see. */
    static HubAddress source(String text) {
        HubAddress address = parse(text);
        if (address == null) {
            throw new IllegalArgumentException("the source must be MODULE or MODULE/OUTPUT, e.g. tempSensor/temperatureOutput,"
                    + " not '" + text + "'");
        }
        return address;
    }

    /** Null when the text is not one or two non-empty names without spaces. */
    private static HubAddress parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length > 2) {
            return null;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.chars().anyMatch(Character::isWhitespace)) {
                return null;
            }
        }
        return new HubAddress(parts[0], parts.length == 2 ? parts[1] : null);
    }

    @Override
    public String toString() {
        return endpoint == null ? module : module + "/" + endpoint;
    }
}
