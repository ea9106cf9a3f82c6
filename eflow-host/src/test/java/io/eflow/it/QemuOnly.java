package io.eflow.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A class about the qemu backend alone: it runs in the qemu half (tag {@code qemu}) and never in the namespace one. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(GuestFixture.class)
@Tag(TestHost.QEMU)
public @interface QemuOnly {
}
