package io.eflow.daemon.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, written into a resource by Maven so it is known in tests as well as in the jar. */
public final class EflowVersion {
    private static final String VERSION = load();

    private EflowVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = EflowVersion.class.getResourceAsStream("/eflow-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
