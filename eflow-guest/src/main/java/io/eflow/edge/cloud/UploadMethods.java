package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.LogLine;
import io.eflow.edge.device.ModuleRuntime;
import io.eflow.edge.logs.Since;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * IoT Edge's upload methods, answered at once with the task's {@code {"status", "message", "correlationId"}}
 * ({@link UploadTasks}) while the upload runs in the background, into the container of the request's {@code sasUrl}
 * ({@link BlobContainer}). Blobs are named as IoT Edge names them: {@code <hub>/<device>/<id>-<yyyy-MM-dd--HH-mm-ss>
 * .<extension>}.
 * <ul>
 * <li>{@code UploadModuleLogs}: {@code GetModuleLogs}'s request ({@link LogsRequest}) and {@code sasUrl}; one blob per
 * matching module, {@code .log}, {@code .json}, {@code .log.gz} or {@code .json.gz}, never cut.
 * <li>{@code UploadSupportBundle}: {@code {"sasUrl", "since", "until", "edgeRuntimeOnly"}}; one zip, {@code
 * support-bundle-<time>.zip}, of each module's log ({@code logs/<module>_log.txt}, as {@code iotedge support-bundle}
 * writes them; since a day ago unless asked) and the agent's view: {@code modules.json}, {@code deployment.json}.
 * </ul>
 * A request that cannot be carried out (no or a bad {@code sasUrl}, a bad regex or time) is answered 400 and starts
 * nothing.
 */
final class UploadMethods {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd--HH-mm-ss").withZone(ZoneOffset.UTC);
    /** {@code iotedge support-bundle}'s default window. */
    private static final String BUNDLE_SINCE = "1 day";
    private static final Pattern EDGE_RUNTIME = Pattern.compile("edgeAgent|edgeHub");

    private final ModuleRuntime runtime;
    private final CloudIdentity provisioning;
    private final UploadTasks tasks;
    private final Clock clock;

    UploadMethods(ModuleRuntime runtime, CloudIdentity provisioning, UploadTasks tasks, Clock clock) {
        this.runtime = runtime;
        this.provisioning = provisioning;
        this.tasks = tasks;
        this.clock = clock;
    }

    TwinSession.MethodResponse moduleLogs(JsonNode payload) {
        LogsRequest request;
        BlobContainer container;
        try {
            request = LogsRequest.parse(payload, "UploadModuleLogs", clock);
            container = container(payload, "UploadModuleLogs");
        } catch (IllegalArgumentException e) {
            return AgentMethods.error(400, e.getMessage());
        }
        return start("UploadModuleLogs to " + container, () -> {
            HttpClient http = BlobContainer.client(provisioning.moduleTls());
            for (Map.Entry<String, List<LogLine>> module : request.select(runtime).entrySet()) {
                byte[] content = request.content(module.getKey(), module.getValue(), Integer.MAX_VALUE);
                container.put(http, blobName(module.getKey(), request.extension()),
                        request.encoded(content), request.mediaType(), request.gzip() ? Optional.of("gzip") : Optional.empty());
            }
        });
    }

    TwinSession.MethodResponse supportBundle(JsonNode payload) {
        LogsRequest request;
        BlobContainer container;
        try {
            container = container(payload, "UploadSupportBundle");
            request = bundleRequest(payload);
        } catch (IllegalArgumentException e) {
            return AgentMethods.error(400, e.getMessage());
        }
        return start("UploadSupportBundle to " + container, () -> container.put(BlobContainer.client(
                provisioning.moduleTls()), blobName("support-bundle", "zip"), bundle(request), "application/zip", Optional.empty()));
    }

    /** The bundle's logs as a logs request: every module (or the edge runtime's), all lines of the window, as text. */
    private LogsRequest bundleRequest(JsonNode payload) {
        try {
            Optional<Instant> since = Optional.of(Since.parse(LogsRequest.text(payload, "since").orElse(BUNDLE_SINCE), clock));
            Optional<Instant> until = LogsRequest.text(payload, "until").map(value -> Since.parse(value, clock));
            Pattern modules = payload.path("edgeRuntimeOnly").asBoolean(false) ? EDGE_RUNTIME : Pattern.compile(".*");
            return new LogsRequest(List.of(new LogsRequest.Item(modules, LogsRequest.Filter.window(since, until))), false, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("UploadSupportBundle: " + e.getMessage());
        }
    }

    /** The zip: each selected module's log, and the modules and deployment as the agent knows them. */
    private byte[] bundle(LogsRequest request) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, List<LogLine>> module : request.select(runtime).entrySet()) {
                entry(zip, "logs/" + module.getKey() + "_log.txt", request.content(module.getKey(), module.getValue(), Integer.MAX_VALUE));
            }
            entry(zip, "modules.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(runtime.modules()));
            Optional<JsonNode> deployment = runtime.deployment();
            if (deployment.isPresent()) {
                entry(zip, "deployment.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(deployment.get()));
            }
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static BlobContainer container(JsonNode payload, String method) {
        try {
            return BlobContainer.of(payload == null ? Optional.empty() : LogsRequest.text(payload, "sasUrl"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method + ": " + e.getMessage());
        }
    }

    private String blobName(String id, String extension) {
        return provisioning.hostName() + "/" + provisioning.deviceId() + "/" + id + "-"
                + STAMP.format(clock.instant()) + "." + extension;
    }

    private TwinSession.MethodResponse start(String what, UploadTasks.Upload upload) {
        return tasks.start(what, upload).map(tasks::answer).orElseGet(() -> AgentMethods.error(429,
                "already " + UploadTasks.MAX_UNFINISHED + " uploads wait or run: ask again when one has finished (GetTaskStatus)"));
    }
}
