package io.eflow.instance.model;

import io.eflow.firewall.GuestSecurity;
import io.eflow.platform.EflowException;

/**
 * An optional guest feature and whether it is on (Set-/Get-EflowVmFeature): dm-verity, dps-tpm (the original's
 * DpsTpm: the host's TPM passed through to the guest, as much of it as DPS TPM attestation needs), and time-sync (the
 * host sets a VM guest's clock when it strays from the host's; on by default).
 */
public record Feature(String name, boolean enabled) {
    public static final String DM_VERITY = "dm-verity";
    public static final String DPS_TPM = "dps-tpm";
    public static final String TIME_SYNC = "time-sync";

    public static String check(String feature) {
        if (!DM_VERITY.equals(feature) && !DPS_TPM.equals(feature) && !TIME_SYNC.equals(feature)) {
            throw new EflowException("unknown feature '" + feature + "'; the features are: " + DM_VERITY + ", " + DPS_TPM + ", "
                    + TIME_SYNC);
        }
        return feature;
    }

    public static boolean enabledIn(GuestSecurity security, String feature) {
        return switch (check(feature)) {
            case DM_VERITY -> security.dmVerity();
            case DPS_TPM -> security.tpmPassthrough();
            default -> security.timeSync();
        };
    }

    public static GuestSecurity set(GuestSecurity security, String feature, boolean on) {
        return switch (check(feature)) {
            case DM_VERITY -> security.withDmVerity(on);
            case DPS_TPM -> security.withTpmPassthrough(on);
            default -> security.withTimeSync(on);
        };
    }
}
