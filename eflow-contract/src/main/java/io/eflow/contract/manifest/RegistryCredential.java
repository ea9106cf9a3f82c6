package io.eflow.contract.manifest;

/** A private registry login from {@code runtime.settings.registryCredentials}. */
public record RegistryCredential(String address, String username, String password) {

    /** Keeps the password out of logs and error messages. */
    @Override
    public String toString() {
        return "RegistryCredential[address=" + address + ", username=" + username + ", password=***]";
    }
}
