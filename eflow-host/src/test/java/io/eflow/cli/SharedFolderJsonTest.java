package io.eflow.cli;

import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedFolderJsonTest {
    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theOriginalsFormatWithFoldersRelativeToTheirRoot() {
        assertThat(SharedFolderJson.read(json("""
                [{"sharedFolderRoot": "/srv/shared", "sharedFolders": [
                   {"hostFolderPath": "Test1", "readOnly": "false", "targetFolderOnGuest": "/tmp/host-shared/Test1"},
                   {"hostFolderPath": "/data/recipes", "readOnly": true, "targetFolderOnGuest": "/var/recipes"},
                   {"hostFolderPath": "sub/../Test2", "targetFolderOnGuest": "/home/iotedge-user/t2"}]}]
                """))).containsExactly(
                new SharedFolder("/srv/shared/Test1", "/tmp/host-shared/Test1", false),
                new SharedFolder("/data/recipes", "/var/recipes", true),
                new SharedFolder("/srv/shared/Test2", "/home/iotedge-user/t2", false));
    }

    @Test
    void aMistakeNamesItsPlaceInTheFile() {
        assertThatThrownBy(() -> SharedFolderJson.read(json("{}"))).isInstanceOf(EflowException.class)
                .hasMessage("$ must be a list of {sharedFolderRoot, sharedFolders}");
        assertThatThrownBy(() -> SharedFolderJson.read(json("[{\"sharedFolderRoot\": \"/srv\"}]")))
                .hasMessage("$[0].sharedFolders must be a list of {hostFolderPath, readOnly, targetFolderOnGuest}");
        assertThatThrownBy(() -> SharedFolderJson.read(json("[{\"sharedFolderRoot\": \"/srv\", \"sharedFolders\": [{\"hostFolderPath\": \"a\","
                + " \"targetFolderOnGuest\": \"/var/a\"}, {\"hostFolderPath\": \"b\"}]}]")))
                .hasMessage("$[0].sharedFolders[1].targetFolderOnGuest must be a non-empty string");
        assertThatThrownBy(() -> SharedFolderJson.read(json("[{\"sharedFolderRoot\": \"/srv\", \"sharedFolders\": [{\"hostFolderPath\": \"a\","
                + " \"readOnly\": \"yes\", \"targetFolderOnGuest\": \"/var/a\"}]}]")))
                .hasMessage("$[0].sharedFolders[0].readOnly must be true or false");
        assertThatThrownBy(() -> SharedFolderJson.read(json("[{\"sharedFolderRoot\": \"/srv\", \"sharedFolders\": [{\"hostFolderPath\": \"a\","
                + " \"targetFolderOnGuest\": \"/etc/a\"}]}]")))
                .hasMessageStartingWith("$[0].sharedFolders[0]: guestPath must be a folder below /home");
        assertThatThrownBy(() -> SharedFolderJson.read(json("[{"))).hasMessageStartingWith("not JSON: ");
    }
}
