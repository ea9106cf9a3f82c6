package io.eflow.it;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A check of something that differs in a VM (its boot, its channel, its kernel, its devices): its qemu run belongs to
 * the CI tier. Everything else runs on qemu in the full tier only, and on the namespace backend in both tiers.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("vm")
public @interface VmCheck {
}
