package io.eflow.contract.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Unmodifiable copies that keep manifest order, which {@code Map.copyOf} and {@code Set.copyOf} do not. */
final class Immutable {
    private Immutable() {
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> Set<T> set(Set<T> set) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(set));
    }
}
