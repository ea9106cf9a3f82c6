package io.eflow.iothub.emulator.registry;

import java.util.regex.Pattern;

/** IoT Hub's rule for device and module ids: up to 128 ASCII letters, digits and {@code -.+%_#*?!(),:=@$'}. */
final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");

    private Ids() {
    }

    static String check(String kind, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw HubException.badRequest("The " + kind + " id '" + id + "' is not valid: up to 128 letters, digits"
                    + " and - . + % _ # * ? ! ( ) , : = @ $ '");
        }
        return id;
    }
}
