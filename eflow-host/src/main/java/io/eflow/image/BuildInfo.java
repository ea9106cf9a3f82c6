package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * What this eflow build stamps into the images it makes: the project version and the reproducible build
 * timestamp ({@code project.build.outputTimestamp}), filtered into a resource by Maven.
 */
record BuildInfo(String version, Instant timestamp) {
    private static final String RESOURCE = "image-build.properties";

    static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw EflowException.failure("this eflow build lacks " + RESOURCE + ": rebuild it with ./mvnw package", null);
            }
            properties.load(in);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + RESOURCE, e);
        }
        String version = properties.getProperty("version", "");
        String timestamp = properties.getProperty("outputTimestamp", "");
        if (version.isBlank() || version.contains("${") || timestamp.contains("${")) {
            throw EflowException.failure(RESOURCE + " was not filtered by Maven: rebuild eflow with ./mvnw package", null);
        }
        return new BuildInfo(version, parseTimestamp(timestamp));
    }

    /** Maven accepts ISO-8601 or seconds since the epoch for outputTimestamp. */
    static Instant parseTimestamp(String text) {
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(text)) : Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw EflowException.failure("invalid project.build.outputTimestamp: " + text, e);
        }
    }
}
