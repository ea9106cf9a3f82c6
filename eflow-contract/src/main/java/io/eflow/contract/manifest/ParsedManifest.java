package io.eflow.contract.manifest;

import java.util.List;

/**
 * A manifest that eflow accepts, and what it ignores in it.
 *
 * @param warnings one a field eflow keeps but does not use, each "json.path: reason"
 */
public record ParsedManifest(DeploymentManifest manifest, List<String> warnings) {
    public ParsedManifest {
        warnings = List.copyOf(warnings);
    }
}
