package io.eflow.instance.model;

/** The account eflow's users log in as in every guest (the original's {@code iotedge-user}), fixed by the image. */
public final class GuestUser {
    public static final String NAME = "iotedge-user";
    public static final int UID = 1000;
    public static final int GID = 1000;

    private GuestUser() {
    }
}
