package io.eflow.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

import java.util.List;
import java.util.stream.Stream;

/**
 * Which backends and which tier this run covers, from the two switches the build passes to each half's JVM:
 * {@code eflow.it.backend} (namespace or qemu; unset runs both, as from an IDE) and {@code eflow.it.tier} (ci or full).
 * Every class that boots a guest reads them here, so one switch holds for all of them.
 */
public final class Backends {
    public static final String BACKEND = "eflow.it.backend";
    public static final String TIER = "eflow.it.tier";

    private Backends() {
    }

    /** The backends asked for, namespace first. */
    public static List<String> selected() {
        String only = System.getProperty(BACKEND, "");
        return only.isBlank() ? List.of(TestHost.NAMESPACE, TestHost.QEMU) : List.of(only.strip());
    }

    public static boolean selected(String backend) {
        return selected().contains(backend);
    }

    /** The full tier: every check on both backends, every fault point, all at the counts a release is tested with. */
    public static boolean fullTier() {
        return "full".equals(System.getProperty(TIER, "ci"));
    }

    /** The argument source of {@link BothBackends}: one class invocation per selected backend. */
    static final class Selected implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
            return selected().stream().map(Arguments::of);
        }
    }
}
