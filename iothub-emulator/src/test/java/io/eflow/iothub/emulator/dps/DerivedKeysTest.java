package io.eflow.iothub.emulator.dps;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DerivedKeysTest {
    /** 32 bytes of 0x03, as provisioning.js uses it. */
    private static final String GROUP_KEY = "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=";

    @Test
    void aDevicesKeyIsTheHmacOfItsRegistrationIdUnderTheGroupKey() {
        // openssl dgst -sha256 -mac HMAC -macopt hexkey:0303…03 of "dps-member-1", in base64
        assertThat(DerivedKeys.derive(GROUP_KEY, "dps-member-1")).isEqualTo("dA4cwfdIrYUcG6c9eC88dQpdnElxUNud0gIne8sS1Bg=");
    }

    @Test
    void eachRegistrationIdHasItsOwnKey() {
        assertThat(DerivedKeys.derive(GROUP_KEY, "dps-member-2")).isNotEqualTo(DerivedKeys.derive(GROUP_KEY, "dps-member-1"));
    }

    @Test
    void aGroupKeyThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> DerivedKeys.derive("not base64!", "d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64");
    }
}
