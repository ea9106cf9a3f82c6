package io.eflow.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A class about the namespace backend alone: it runs in the namespace half and never in the qemu one. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(GuestFixture.class)
@Tag(TestHost.NAMESPACE)
public @interface NamespaceOnly {
}
