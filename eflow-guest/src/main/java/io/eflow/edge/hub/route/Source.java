package io.eflow.edge.hub.route;

import io.eflow.edge.hub.MessageSource;

/**
 * A route's {@code FROM}: which messages it considers. Module and output names match ignoring case, as IoT Edge
 * matches sources.
 */
public sealed interface Source {

    boolean matches(MessageSource message);

    /** As written in a route, e.g. {@code /messages/modules/filter/outputs/*}. */
    String path();

    /** {@code /*}: every message, twin change notifications included. */
    record All() implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return true;
        }

        @Override
        public String path() {
            return "/*";
        }
    }

    /** {@code /messages/*}: every device-to-cloud message, from a device or a module, with or without an output. */
    record Messages() implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.Device || message instanceof MessageSource.Module;
        }

        @Override
        public String path() {
            return "/messages/*";
        }
    }

    /** {@code /messages/modules/*}: every message a module sent. */
    record Modules() implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.Module;
        }

        @Override
        public String path() {
            return "/messages/modules/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/*}: every message that module sent, through some output or none. */
    record Module(String moduleId) implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.Module module && module.moduleId().equalsIgnoreCase(moduleId);
        }

        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/outputs/*}: every message that module sent through an output. */
    record ModuleOutputs(String moduleId) implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.Module module && module.moduleId().equalsIgnoreCase(moduleId)
                    && module.output().isPresent();
        }

        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/outputs/*";
        }
    }

    /** {@code /messages/modules/{moduleId}/outputs/{output}}: the messages that module sent through that output. */
    record ModuleOutput(String moduleId, String output) implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.Module module && module.moduleId().equalsIgnoreCase(moduleId)
                    && module.output().filter(output::equalsIgnoreCase).isPresent();
        }

        @Override
        public String path() {
            return "/messages/modules/" + moduleId + "/outputs/" + output;
        }
    }

    /** {@code /twinChangeNotifications}: notifications that a twin changed. */
    record TwinChanges() implements Source {
        @Override
        public boolean matches(MessageSource message) {
            return message instanceof MessageSource.TwinChange;
        }

        @Override
        public String path() {
            return "/twinChangeNotifications";
        }
    }
}
