package io.eflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.json.Mappers;
import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The original's shared-folder JSON (Add-EflowVmSharedFolder -sharedFoldersJsonPath):
 * {@code [{"sharedFolderRoot": R, "sharedFolders": [{"hostFolderPath": P, "readOnly": B, "targetFolderOnGuest": G}]}]},
 * each host folder relative to its root unless absolute. A mistake names its place in the file.
 */
final class SharedFolderJson {
    private SharedFolderJson() {
    }

    static List<SharedFolder> read(byte[] json) {
        JsonNode roots;
        try {
            roots = Mappers.standard().readTree(json);
        } catch (JsonProcessingException e) {
            throw new EflowException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EflowException("not JSON: " + e.getMessage());
        }
        if (roots == null || !roots.isArray() || roots.isEmpty()) {
            throw new EflowException("$ must be a list of {sharedFolderRoot, sharedFolders}");
        }
        List<SharedFolder> folders = new ArrayList<>();
        for (int r = 0; r < roots.size(); r++) {
            String at = "$[" + r + "]";
            Path root = Path.of(text(roots.get(r), "sharedFolderRoot", at));
            JsonNode list = roots.get(r).get("sharedFolders");
            if (list == null || !list.isArray()) {
                throw new EflowException(at + ".sharedFolders must be a list of {hostFolderPath, readOnly, targetFolderOnGuest}");
            }
            for (int f = 0; f < list.size(); f++) {
                String place = at + ".sharedFolders[" + f + "]";
                JsonNode folder = list.get(f);
                String host = root.resolve(text(folder, "hostFolderPath", place)).normalize().toString();
                String guest = text(folder, "targetFolderOnGuest", place);
                boolean readOnly = readOnly(folder.get("readOnly"), place);
                try {
                    folders.add(new SharedFolder(host, guest, readOnly));
                } catch (EflowException e) {
                    throw new EflowException(place + ": " + e.getMessage());
                }
            }
        }
        return folders;
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new EflowException(at + "." + field + " must be a non-empty string");
        }
        return value.asText();
    }

    /** The original writes it as a boolean or as "true"/"false"; absent means read-write, as there. */
    private static boolean readOnly(JsonNode value, String at) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText().toLowerCase(Locale.ROOT));
        }
        throw new EflowException(at + ".readOnly must be true or false");
    }
}
