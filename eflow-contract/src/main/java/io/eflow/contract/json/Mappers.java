package io.eflow.contract.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one place eflow's JSON mappers are made, so host and guest read each other's records the same way: Optional
 * and java.time types understood, instants written as ISO-8601 text. Each side adds what it means differently on top
 * of {@link #builder()} (the host reads answers leniently, some guest files are written sorted or indented).
 */
public final class Mappers {
    private static final ObjectMapper STANDARD = builder().build();

    private Mappers() {
    }

    /** The common configuration, to add a side's own features to. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** A shared mapper with the common configuration; configured once, so it is safe to share between threads. */
    public static ObjectMapper standard() {
        return STANDARD;
    }
}
