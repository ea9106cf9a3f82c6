package io.eflow.it;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs every test of the class once per backend, namespace first, then qemu (under TCG on hosts without usable
 * KVM). The class takes the backend's name in a field annotated {@code @Parameter}; the {@link TestHost} comes from
 * {@link GuestFixture}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {TestHost.NAMESPACE, TestHost.QEMU})
@ExtendWith(GuestFixture.class)
public @interface BothBackends {
}
