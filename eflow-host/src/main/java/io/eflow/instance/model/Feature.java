package io.eflow.instance.model;

import io.eflow.firewall.GuestSecurity;
import io.eflow.platform.EflowException;

/**
 * An optional guest feature and whether it is on (Set-/Get-EflowVmFeature): dm-verity, and dps-tpm (the original's
 * DpsTpm: the host's TPM passed through to the guest, as much of it as DPS TPM attestation needs).
 */
public record Feature(String name, boolean enabled) {
    public static final String DM_VERITY = "dm-verity";
    public static final String DPS_TPM = "dps-tpm";

    public static String check(String feature) {
        if (!DM_VERITY.equals(feature) && !DPS_TPM.equals(feature)) {
            throw new EflowException("unknown feature '" + feature + "'; the features are: " + DM_VERITY + ", " + DPS_TPM);
        }
        return feature;
    }

    public static boolean enabledIn(GuestSecurity security, String feature) {
        return DM_VERITY.equals(check(feature)) ? security.dmVerity() : security.tpmPassthrough();
    }

    public static GuestSecurity set(GuestSecurity security, String feature, boolean on) {
        return DM_VERITY.equals(check(feature)) ? security.withDmVerity(on) : security.withTpmPassthrough(on);
    }
}
