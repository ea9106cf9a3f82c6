package io.eflow.iothub.emulator.mqtt;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a device publishes to, read from the topic name. */
sealed interface Topic {
    Pattern TELEMETRY = Pattern.compile("devices/([^/]+)(?:/modules/([^/]+))?/messages/events(?:/(.*))?");
    Pattern TWIN_GET = Pattern.compile("\\$iothub/twin/GET/\\?(.*)");
    Pattern TWIN_REPORTED = Pattern.compile("\\$iothub/twin/PATCH/properties/reported/\\?(.*)");
    Pattern METHOD_RESPONSE = Pattern.compile("\\$iothub/methods/res/(\\d{1,3})/\\?(.*)");

    /** @param bag the property bag, possibly empty */
    record Telemetry(String deviceId, Optional<String> moduleId, String bag) implements Topic {
    }

    record TwinGet(String requestId) implements Topic {
    }

    record TwinReported(String requestId) implements Topic {
    }

    record MethodResponse(int status, String requestId) implements Topic {
    }

    record Unknown(String name) implements Topic {
    }

    static Topic parse(String name) {
        Matcher matcher = TELEMETRY.matcher(name);
        if (matcher.matches()) {
            return new Telemetry(matcher.group(1), Optional.ofNullable(matcher.group(2)),
                    matcher.group(3) == null ? "" : matcher.group(3));
        }
        matcher = TWIN_GET.matcher(name);
        if (matcher.matches()) {
            return new TwinGet(requestId(matcher.group(1)));
        }
        matcher = TWIN_REPORTED.matcher(name);
        if (matcher.matches()) {
            return new TwinReported(requestId(matcher.group(1)));
        }
        matcher = METHOD_RESPONSE.matcher(name);
        if (matcher.matches()) {
            return new MethodResponse(Integer.parseInt(matcher.group(1)), requestId(matcher.group(2)));
        }
        return new Unknown(name);
    }

    /** {@code $rid} of a query string such as {@code $rid=7&foo=bar}; empty when absent. */
    static String requestId(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("$rid=")) {
                return pair.substring("$rid=".length());
            }
        }
        return "";
    }
}
