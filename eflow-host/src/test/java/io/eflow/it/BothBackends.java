package io.eflow.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs every test of the class once per selected backend (see {@link Backends}), namespace first, then qemu (under TCG
 * on hosts without usable KVM). The class takes the backend's name in a field annotated {@code @Parameter}; the
 * {@link TestHost} comes from {@link GuestFixture}. Tagged {@code both}: the qemu half of the full tier runs these;
 * in the CI tier the qemu half runs only what is tagged {@link VmCheck}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@ArgumentsSource(Backends.Selected.class)
@ExtendWith(GuestFixture.class)
@Tag("both")
public @interface BothBackends {
}
