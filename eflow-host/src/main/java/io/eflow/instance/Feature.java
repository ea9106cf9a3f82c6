package io.eflow.instance;

import io.eflow.platform.EflowException;

/** An optional guest feature and whether it is on (Set-/Get-EflowVmFeature). dm-verity is the one there is. */
public record Feature(String name, boolean enabled) {
    public static final String DM_VERITY = "dm-verity";

    static String check(String feature) {
        if (!DM_VERITY.equals(feature)) {
            throw new EflowException("unknown feature '" + feature + "'; the features are: " + DM_VERITY);
        }
        return feature;
    }
}
