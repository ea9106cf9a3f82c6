package io.eflow.contract.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code process.user}: numeric ids only, as crun reads them; no additional groups are written when there are none. */
public record User(long uid, long gid, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> additionalGids) {
    public static final User ROOT = new User(0, 0, List.of());

    public User {
        additionalGids = List.copyOf(additionalGids);
    }
}
