package io.eflow.contract.route;

/**
 * A route's {@code FROM}: which messages it considers. The hub's router matches them against where a message came
 * from; module and output names match ignoring case, as IoT Edge matches sources.
 */
public sealed interface Source {

    /** As written in a route, e.g. {@code /messages/modules/filter/outputs/*}. */
    String path();

    /** {@code /*}: every message, twin change notifications included. */
    record All() implements Source {
        @Override
        public String path() {
            return "/*";
        }
    }

    /** {@code /messages/*}: every device-to-cloud message, from a device or a module, with or without an output. */
    record Messages() implements Source {
        @Override
        public String path() {
            return "/messages/*";
        }
    }

    /** {@code /messages/modules/*}: every message a module sent. */
    record Modules() implements Source {
        @Override
        public String path() {
            return "/messages/modules/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/*}: every message that module sent, through some output or none. */
    record Module(String moduleId) implements Source {
        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/outputs/*}: every message that module sent through an output. */
    record ModuleOutputs(String moduleId) implements Source {
        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/outputs/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/outputs/{output}}: the messages that module sent through that output. */
    record ModuleOutput(String moduleId, String output) implements Source {
        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/outputs/" + output;
        }
    }

    /** {@code /twinChangeNotifications}: notifications that a twin changed. */
    record TwinChanges() implements Source {
        @Override
        public String path() {
            return "/twinChangeNotifications";
        }
    }
}
