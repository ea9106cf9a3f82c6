package io.eflow.samples.module;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The desired properties a module has applied, and which version they are. A whole twin is taken when its version is
 * newer (or nothing was applied yet); a patch only when it is the very next version, merged into what is applied
 * (JSON merge patch: null removes). A patch that is not newer was already seen (or the whole twin read since
 * brought it) and is ignored; one that skips a version, or has no version, means changes were missed, and only a
 * whole twin can tell them: {@link Outcome.Missed}.
 */
final class DesiredState {
    /** What became of a twin or a patch. */
    sealed interface Outcome {
        /** Applied: the whole desired properties as they are now. */
        record Applied(TwinProperties desired) implements Outcome {
        }

        /** Not newer than {@code applied}: ignored. */
        record Stale(long version, long applied) implements Outcome {
        }

        /** After a gap (or without a version): not applied; read the whole twin. */
        record Missed(OptionalLong version, OptionalLong applied) implements Outcome {
        }
    }

    private TwinProperties applied;

    /** The desired properties of a whole twin. */
    synchronized Outcome whole(TwinProperties desired) {
        if (applied != null && desired.version() <= applied.version()) {
            return new Outcome.Stale(desired.version(), applied.version());
        }
        applied = desired;
        return new Outcome.Applied(desired);
    }

    /**
     * A desired-properties patch; its version from the topic, else from the patch's own {@code $version} (IoT Hub
     * puts it in both).
     */
    synchronized Outcome patch(OptionalLong topicVersion, Map<String, Object> patch) {
        Map<String, Object> changes = new LinkedHashMap<>(patch);
        Object inBody = changes.remove(TwinProperties.VERSION);
        OptionalLong version = topicVersion.isPresent() ? topicVersion
                : inBody instanceof Double number && number == Math.rint(number) ? OptionalLong.of(number.longValue())
                : OptionalLong.empty();
        OptionalLong current = applied == null ? OptionalLong.empty() : OptionalLong.of(applied.version());
        if (version.isPresent() && current.isPresent() && version.getAsLong() <= current.getAsLong()) {
            return new Outcome.Stale(version.getAsLong(), current.getAsLong());
        }
        if (version.isEmpty() || current.isEmpty() || version.getAsLong() != current.getAsLong() + 1) {
            return new Outcome.Missed(version, current);
        }
        Map<String, Object> merged = new LinkedHashMap<>(applied.values());
        merge(merged, changes);
        applied = new TwinProperties(merged, version.getAsLong());
        return new Outcome.Applied(applied);
    }

    /** RFC 7386: a null removes a member, an object is merged into an object, anything else replaces. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((name, value) -> {
            if (value == null) {
                target.remove(name);
            } else if (value instanceof Map<?, ?> nested) {
                Map<String, Object> into = target.get(name) instanceof Map<?, ?> existing
                        ? new LinkedHashMap<>((Map<String, Object>) existing) : new LinkedHashMap<>();
                merge(into, (Map<String, Object>) nested);
                target.put(name, into);
            } else {
                target.put(name, value);
            }
        });
    }
}
