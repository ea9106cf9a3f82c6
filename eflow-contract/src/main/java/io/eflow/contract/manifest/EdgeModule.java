package io.eflow.contract.manifest;

import java.util.Map;

/**
 * One module of a deployment (the system modules edgeAgent and edgeHub included).
 *
 * @param version        the manifest's free-form version; empty when absent
 * @param desiredRunning status "running" (true) or "stopped" (false)
 * @param startupOrder   0 starts first; {@link #LAST} when the manifest gives none
 * @param env            from the manifest's {@code env}, {@code {"NAME": {"value": ...}}}, in manifest order
 */
public record EdgeModule(String name, String version, boolean desiredRunning, RestartPolicy restartPolicy, long startupOrder,
                         ImagePullPolicy imagePullPolicy, Map<String, String> env, ImageReference image,
                         CreateOptions createOptions) {
    /** IoT Edge's default startup order, the largest unsigned 32-bit number: started after all others. */
    public static final long LAST = 4_294_967_295L;

    public EdgeModule {
        env = Immutable.map(env);
    }

    /**
     * Whether going from this module to {@code desired} means a new container: the image, its configuration or the
     * version changed. Status, restart policy and startup order are applied to the running container as they are.
     */
    public boolean needsRecreation(EdgeModule desired) {
        return !version.equals(desired.version) || !image.equals(desired.image) || !env.equals(desired.env)
                || !createOptions.equals(desired.createOptions);
    }
}
