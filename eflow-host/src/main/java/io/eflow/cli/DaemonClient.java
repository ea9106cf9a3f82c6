package io.eflow.cli;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.channel.CommandResult;
import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.HubIdentity;
import io.eflow.contract.wire.HubStatus;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.MethodResult;
import io.eflow.contract.wire.ModuleMessage;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.UpstreamState;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.daemon.api.ConsoleUserChange;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.daemon.api.CopyDone;
import io.eflow.daemon.api.CopyRequest;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.DeploymentApplied;
import io.eflow.daemon.api.EndpointAdd;
import io.eflow.daemon.api.EndpointAddress;
import io.eflow.daemon.api.EndpointList;
import io.eflow.daemon.api.ErrorBody;
import io.eflow.daemon.api.FeatureChange;
import io.eflow.daemon.api.FirewallChange;
import io.eflow.daemon.api.FirewallView;
import io.eflow.daemon.api.GuestAddress;
import io.eflow.daemon.api.HubPublish;
import io.eflow.daemon.api.IdentityAdd;
import io.eflow.daemon.api.IdentityRemoved;
import io.eflow.daemon.api.ImageLoad;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.daemon.api.InvokeRequest;
import io.eflow.daemon.api.KeysRotated;
import io.eflow.daemon.api.LogsRequest;
import io.eflow.daemon.api.LogsResult;
import io.eflow.daemon.api.ModuleRestarted;
import io.eflow.daemon.api.NameServerChange;
import io.eflow.daemon.api.NameServerView;
import io.eflow.daemon.api.NetworkAdd;
import io.eflow.daemon.api.NetworkView;
import io.eflow.daemon.api.PowerChange;
import io.eflow.daemon.api.ProxyChange;
import io.eflow.daemon.api.ProxyView;
import io.eflow.daemon.api.Published;
import io.eflow.daemon.api.Removed;
import io.eflow.daemon.api.RenewRequest;
import io.eflow.daemon.api.SerialPortChange;
import io.eflow.daemon.api.SerialPortList;
import io.eflow.daemon.api.SetRequest;
import io.eflow.daemon.api.ShareChange;
import io.eflow.daemon.api.ShareList;
import io.eflow.daemon.api.SizingChange;
import io.eflow.daemon.api.TokenCreate;
import io.eflow.daemon.api.TokenView;
import io.eflow.daemon.api.TpmProvisioningInfo;
import io.eflow.daemon.api.UpdateRequest;
import io.eflow.daemon.api.UpstreamChange;
import io.eflow.daemon.api.Verification;
import io.eflow.daemon.api.VersionInfo;
import io.eflow.forward.Forward;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.Feature;
import io.eflow.instance.model.InstanceName;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import io.eflow.platform.Progress;
import io.eflow.update.UpdateView;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The daemon's REST API as Java calls. {@code instance} is a name, or null for "the only instance".
 * The first call starts eflowd when nobody answers; errors come back as {@link EflowException} with
 * the daemon's status and one-line message.
 */
final class DaemonClient {
    private final DaemonHttp http;
    private final DaemonLauncher launcher;

    /** {@code launcher} null: never start a daemon (version only reports whether one runs). */
    DaemonClient(DaemonHttp http, DaemonLauncher launcher) {
        this.http = http;
        this.launcher = launcher;
    }

    List<InstanceSummary> list() {
        return call("GET", "/v1/instances", null, Json.MAPPER.getTypeFactory().constructCollectionType(List.class, InstanceSummary.class));
    }

    List<NetworkView> networks() {
        return call("GET", "/v1/networks", null, Json.MAPPER.getTypeFactory().constructCollectionType(List.class, NetworkView.class));
    }

    NetworkView addNetwork(NetworkAdd request) {
        return call("POST", "/v1/networks", request, NetworkView.class);
    }

    NetworkView removeNetwork(String network) {
        return call("DELETE", "/v1/networks/" + InstanceName.pathSegment(network), null, NetworkView.class);
    }

    EndpointList endpoints(String instance) {
        return call("GET", instancePath(instance, "/endpoints"), null, EndpointList.class);
    }

    EndpointList addEndpoint(String instance, EndpointAdd request) {
        return call("POST", instancePath(instance, "/endpoints"), request, EndpointList.class);
    }

    EndpointList readdressEndpoint(String instance, String endpoint, EndpointAddress request) {
        return call("POST", instancePath(instance, "/endpoints/" + InstanceName.pathSegment(endpoint) + "/address"), request,
                EndpointList.class);
    }

    EndpointList removeEndpoint(String instance, String endpoint) {
        return call("DELETE", instancePath(instance, "/endpoints/" + InstanceName.pathSegment(endpoint)), null, EndpointList.class);
    }

    HostInfo hostConfig() {
        return call("GET", "/v1/host", null, HostInfo.class);
    }

    TpmProvisioningInfo tpmInfo() {
        return call("GET", "/v1/tpm", null, TpmProvisioningInfo.class);
    }

    VersionInfo version() {
        return call("GET", "/v1/version", null, VersionInfo.class);
    }

    InstanceDetails get(String instance) {
        return call("GET", instancePath(instance, ""), null, InstanceDetails.class);
    }

    PowerChange start(String instance) {
        return call("POST", instancePath(instance, "/start"), null, PowerChange.class);
    }

    PowerChange stop(String instance) {
        return call("POST", instancePath(instance, "/stop"), null, PowerChange.class);
    }

    SizingChange set(String instance, SetRequest request) {
        return call("POST", instancePath(instance, "/set"), request, SizingChange.class);
    }

    KeysRotated rotateKeys(String instance) {
        return call("POST", instancePath(instance, "/rotate-keys"), null, KeysRotated.class);
    }

    KeysRotated rotateAllKeys() {
        return call("POST", "/v1/rotate-keys", null, KeysRotated.class);
    }

    Verification verify(String instance) {
        return call("GET", instancePath(instance, "/verify"), null, Verification.class);
    }

    SerialPortList serialPorts(String instance) {
        return call("GET", instancePath(instance, "/devices"), null, SerialPortList.class);
    }

    SerialPortList changeSerialPorts(String instance, SerialPortChange change) {
        return call("POST", instancePath(instance, "/devices"), change, SerialPortList.class);
    }

    ShareList shares(String instance) {
        return call("GET", instancePath(instance, "/shares"), null, ShareList.class);
    }

    ShareList changeShares(String instance, ShareChange change) {
        return call("POST", instancePath(instance, "/shares"), change, ShareList.class);
    }

    ProxyView proxy(String instance) {
        return call("GET", instancePath(instance, "/proxy"), null, ProxyView.class);
    }

    ProxyView setProxy(String instance, ProxyChange change) {
        return call("POST", instancePath(instance, "/proxy"), change, ProxyView.class);
    }

    NameServerView nameServers(String instance) {
        return call("GET", instancePath(instance, "/dns"), null, NameServerView.class);
    }

    NameServerView setNameServers(String instance, String endpoint, List<String> servers) {
        return call("POST", instancePath(instance, "/dns"), new NameServerChange(endpoint, servers), NameServerView.class);
    }

    ConsoleStatus consoleStatus() {
        return call("GET", "/v1/console/settings", null, ConsoleStatus.class);
    }

    ConsoleStatus enableConsole(ConsoleEnable request) {
        return call("POST", "/v1/console/enable", request, ConsoleStatus.class);
    }

    ConsoleStatus disableConsole() {
        return call("POST", "/v1/console/disable", null, ConsoleStatus.class);
    }

    List<ConsoleUserView> consoleUsers() {
        return call("GET", "/v1/console/users", null, Json.MAPPER.getTypeFactory().constructCollectionType(List.class, ConsoleUserView.class));
    }

    ConsoleUserView addConsoleUser(ConsoleUserChange request) {
        return call("POST", "/v1/console/users", request, ConsoleUserView.class);
    }

    ConsoleUserView setConsolePassword(String user, String password) {
        return call("POST", "/v1/console/users/" + InstanceName.pathSegment(user) + "/password", new ConsoleUserChange(user, null, password),
                ConsoleUserView.class);
    }

    ConsoleUserView removeConsoleUser(String user) {
        return call("DELETE", "/v1/console/users/" + InstanceName.pathSegment(user), null, ConsoleUserView.class);
    }

    List<TokenView> tokens() {
        return call("GET", "/v1/console/tokens", null, Json.MAPPER.getTypeFactory().constructCollectionType(List.class, TokenView.class));
    }

    TokenView createToken(TokenCreate request) {
        return call("POST", "/v1/console/tokens", request, TokenView.class);
    }

    TokenView revokeToken(String token) {
        return call("DELETE", "/v1/console/tokens/" + InstanceName.pathSegment(token), null, TokenView.class);
    }

    Feature feature(String instance, String feature) {
        return call("GET", instancePath(instance, "/features/" + feature), null, Feature.class);
    }

    Feature setFeature(String instance, String feature, boolean on) {
        return call("POST", instancePath(instance, "/features/" + feature), new FeatureChange(on), Feature.class);
    }

    FirewallView firewall(String instance) {
        return call("GET", instancePath(instance, "/firewall"), null, FirewallView.class);
    }

    FirewallView allow(String instance, FirewallChange change) {
        return call("POST", instancePath(instance, "/firewall/rules"), change, FirewallView.class);
    }

    FirewallView disallow(String instance, FirewallChange change) {
        return call("POST", instancePath(instance, "/firewall/rules/remove"), change, FirewallView.class);
    }

    GuestAddress addr(String instance) {
        return call("GET", instancePath(instance, "/addr"), null, GuestAddress.class);
    }

    CommandResult invoke(String instance, InvokeRequest request) {
        return call("POST", instancePath(instance, "/invoke"), request, CommandResult.class);
    }

    CopyDone copy(String instance, CopyRequest request) {
        return call("POST", instancePath(instance, "/copy"), request, CopyDone.class);
    }

    LogsResult logs(String instance, LogsRequest request) {
        return call("POST", instancePath(instance, "/logs"), request, LogsResult.class);
    }

    ConnectInfo connect(String instance) {
        return call("POST", instancePath(instance, "/connect"), null, ConnectInfo.class);
    }

    Removed remove(String instance, boolean force) {
        return call("DELETE", instancePath(instance, "") + (force ? "?force=true" : ""), null, Removed.class);
    }

    /** Deploys, handing each progress line to {@code progress} as the daemon streams it. */
    InstanceSummary deploy(DeployRequest request, Consumer<String> progress) {
        return streamed("POST", "/v1/instances", Json.write(request), InstanceSummary.class, progress);
    }

    /** Applies an update bundle (a host path or an https URL), handing progress lines on as they come. */
    UpdateView applyUpdate(String instance, UpdateRequest request, Consumer<String> progress) {
        return streamed("POST", instancePath(instance, "/update"), Json.write(request), UpdateView.class, progress);
    }

    UpdateView updateStatus(String instance) {
        return call("GET", instancePath(instance, "/update"), null, UpdateView.class);
    }

    UpdateView rollback(String instance, UpdateRequest request, Consumer<String> progress) {
        return streamed("POST", instancePath(instance, "/update/rollback"), Json.write(request), UpdateView.class, progress);
    }

    /** A long-running command's NDJSON answer ({@link DeployEvent}s): progress lines, then its result or its error. */
    private <T> T streamed(String method, String target, byte[] body, Class<T> type, Consumer<String> progress) {
        try (DaemonHttp.Response response = send(method, target, body)) {
            if (response.status() >= 400) {
                throw error(response);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = Json.MAPPER.readTree(line);
                if (event.hasNonNull("error")) {
                    int status = event.path("status").asInt(500);
                    if (event.path("fields").isArray() && !event.path("fields").isEmpty() && event.hasNonNull("problem")) {
                        List<String> fields = new ArrayList<>();
                        event.path("fields").forEach(field -> fields.add(field.asText()));
                        throw new InvalidValue(status, fields, event.path("problem").asText());
                    }
                    throw new EflowException(status, event.path("error").asText());
                }
                if (event.hasNonNull("result")) {
                    return Json.MAPPER.treeToValue(event.get("result"), type);
                }
                if (event.hasNonNull("progress")) {
                    progress.accept(event.path("progress").asText());
                } else if (event.hasNonNull("done")) {
                    Progress.of(progress).bytes(event.path("step").asText(), event.path("done").asLong(), event.path("total").asLong());
                }
            }
            throw new EflowException(500, "eflowd ended its answer without a result; see its log");
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** {@code manifest} is the user's file as it is: the daemon checks it, so it travels untouched. */
    DeploymentApplied applyDeployment(String instance, byte[] manifest) {
        return send("POST", instancePath(instance, "/deployment"), manifest, Json.MAPPER.constructType(DeploymentApplied.class));
    }

    /** The manifest as the user gave it: an IoT Edge document, JSON of any shape eflow reads past. */
    JsonNode deployment(String instance) {
        return call("GET", instancePath(instance, "/deployment"), null, JsonNode.class);
    }

    Map<String, ModuleReport> modules(String instance) {
        return call("GET", instancePath(instance, "/modules"), null, MODULES);
    }

    ModuleRestarted restartModule(String instance, String module, boolean newIdentity) {
        return call("POST", instancePath(instance, "/modules/" + segment(module) + "/restart" + (newIdentity ? "?newIdentity=true" : "")),
                null, ModuleRestarted.class);
    }

    List<Check> check(String instance) {
        return call("GET", instancePath(instance, "/check"), null, CHECKS);
    }

    /** Loads a tarball into the guest's image store, handing on the copy's progress as it streams. */
    Reply.ImagesLoaded loadImage(String instance, String file, String reference, Consumer<String> progress) {
        return streamed("POST", instancePath(instance, "/images/load"), Json.write(new ImageLoad(file, reference)), Reply.ImagesLoaded.class,
                progress);
    }

    List<Forward> forwards(String instance) {
        return call("GET", instancePath(instance, "/forwards"), null, FORWARDS);
    }

    List<Forward> addForward(String instance, Forward forward) {
        return call("POST", instancePath(instance, "/forwards"), forward, FORWARDS);
    }

    List<Forward> removeForward(String instance, Forward forward) {
        return call("POST", instancePath(instance, "/forwards/remove"), forward, FORWARDS);
    }

    /** Passes each log line to {@code lines}; the daemon's last line says how it ended. */
    void moduleLogs(String instance, String module, Integer tail, String since, boolean follow, Consumer<LogLine> lines) {
        StringBuilder query = new StringBuilder("?follow=").append(follow);
        if (tail != null) {
            query.append("&tail=").append(tail);
        }
        if (since != null) {
            query.append("&since=").append(URLEncoder.encode(since, StandardCharsets.UTF_8));
        }
        follow(instancePath(instance, "/modules/" + segment(module) + "/logs") + query, LogLine.class, line -> {
            lines.accept(line);
            return true;
        });
    }

    /** Calls a module's direct method; answers its status and payload. {@code payload} null sends none. */
    MethodResult invokeMethod(String instance, String module, String method, JsonNode payload, Integer timeoutSeconds) {
        String target = instancePath(instance, "/modules/" + segment(module) + "/methods/" + segment(method))
                + (timeoutSeconds == null ? "" : "?timeout=" + timeoutSeconds);
        return call("POST", target, payload, MethodResult.class);
    }

    HubStatus hubStatus(String instance) {
        return call("GET", instancePath(instance, "/hub"), null, HubStatus.class);
    }

    String hubMetrics(String instance) {
        return text(instancePath(instance, "/hub/metrics"));
    }

    Published hubPublish(String instance, HubPublish message) {
        return call("POST", instancePath(instance, "/hub/publish"), message, Published.class);
    }

    /**
     * Passes each message modules send to {@code messages} as it arrives, until it answers false (then the
     * connection closes, which ends the subscription) or the daemon ends.
     */
    void hubSubscribe(String instance, String module, String output, Predicate<ModuleMessage> messages) {
        StringBuilder query = new StringBuilder();
        if (module != null) {
            query.append("?module=").append(URLEncoder.encode(module, StandardCharsets.UTF_8));
            if (output != null) {
                query.append("&output=").append(URLEncoder.encode(output, StandardCharsets.UTF_8));
            }
        }
        follow(instancePath(instance, "/hub/subscribe") + query, ModuleMessage.class, messages);
    }

    List<HubIdentity> hubIdentities(String instance) {
        return call("GET", instancePath(instance, "/hub/identities"), null, IDENTITIES);
    }

    HubIdentity addHubIdentity(String instance, String identity) {
        return call("POST", instancePath(instance, "/hub/identities"), new IdentityAdd(identity), HubIdentity.class);
    }

    HubIdentity hubIdentity(String instance, String identity) {
        return call("GET", instancePath(instance, "/hub/identities/" + segment(identity)), null, HubIdentity.class);
    }

    IdentityRemoved removeHubIdentity(String instance, String identity) {
        return call("POST", instancePath(instance, "/hub/identities/" + segment(identity) + "/remove"), null, IdentityRemoved.class);
    }

    String hubCa(String instance) {
        return text(instancePath(instance, "/hub/ca"));
    }

    UpstreamState hubUpstream(String instance) {
        return call("GET", instancePath(instance, "/hub/upstream"), null, UpstreamState.class);
    }

    UpstreamState setHubUpstream(String instance, UpstreamChange change) {
        return call("PUT", instancePath(instance, "/hub/upstream"), change, UpstreamState.class);
    }

    UpstreamState clearHubUpstream(String instance) {
        return call("POST", instancePath(instance, "/hub/upstream/clear"), null, UpstreamState.class);
    }

    ProvisioningState provisioning(String instance) {
        return call("GET", instancePath(instance, "/provisioning"), null, ProvisioningState.class);
    }

    ProvisioningState provision(String instance, ProvisioningSpec spec) {
        return call("PUT", instancePath(instance, "/provisioning"), spec, ProvisioningState.class);
    }

    ProvisioningState renewProvisioning(String instance, RenewRequest request) {
        return call("POST", instancePath(instance, "/provisioning/renew"), request, ProvisioningState.class);
    }

    ProvisioningState removeProvisioning(String instance) {
        return call("POST", instancePath(instance, "/provisioning/remove"), null, ProvisioningState.class);
    }

    /**
     * Reads a followed NDJSON answer, handing each line to {@code lines} as a {@code type} until it answers false;
     * blank lines (the daemon's keepalives) are skipped, and the daemon's last line, {@code {"ok": …}}, says how it
     * ended.
     */
    private <T> void follow(String target, Class<T> type, Predicate<T> lines) {
        try (DaemonHttp.Response response = send("GET", target, null)) {
            if (response.status() >= 400) {
                throw error(response);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.MAPPER.readTree(line);
                if (node.has("ok")) {
                    if (!node.path("ok").asBoolean()) {
                        throw new EflowException(node.path("error").asText());
                    }
                    return;
                }
                if (!lines.test(Json.MAPPER.treeToValue(node, type))) {
                    return;
                }
            }
            // the daemon's last line never came: it went away (stopped, restarted or killed) while it was following
            throw new EflowException(500, "eflowd went away before the end of its answer (was it stopped or restarted?); see "
                    + "its log");
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static final JavaType FORWARDS = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Forward.class);
    private static final JavaType MODULES = Json.MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class,
            ModuleReport.class);
    private static final JavaType CHECKS = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Check.class);
    private static final JavaType IDENTITIES = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, HubIdentity.class);

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }


    /** A text answer (Prometheus metrics, a PEM certificate), as UTF-8. */
    private String text(String target) {
        try (DaemonHttp.Response response = send("GET", target, null)) {
            if (response.status() >= 400) {
                throw error(response);
            }
            return new String(response.bodyBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    static String instancePath(String instance, String action) {
        return "/v1/instances/" + InstanceName.pathSegment(instance) + action;
    }

    private <T> T call(String method, String target, Object body, Class<T> type) {
        return call(method, target, body, Json.MAPPER.constructType(type));
    }

    private <T> T call(String method, String target, Object body, JavaType type) {
        return send(method, target, body == null ? null : Json.write(body), type);
    }

    private <T> T send(String method, String target, byte[] body, JavaType type) {
        try (DaemonHttp.Response response = send(method, target, body)) {
            if (response.status() >= 400) {
                throw error(response);
            }
            return Json.readAnswer(response.bodyBytes(), type);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private DaemonHttp.Response send(String method, String target, byte[] body) throws IOException {
        try {
            return http.send(method, target, body);
        } catch (DaemonHttp.NotAnswering e) {
            if (launcher == null) {
                throw new EflowException(500, "eflowd is not running on " + http.where());
            }
            launcher.ensureRunning();
            return http.send(method, target, body);
        }
    }

    private static EflowException error(DaemonHttp.Response response) throws IOException {
        byte[] body = response.bodyBytes();
        String message = null;
        if (response.contentType().startsWith("application/json")) {
            try {
                ErrorBody error = Json.MAPPER.readValue(body, ErrorBody.class);
                if (error.fields() != null && !error.fields().isEmpty() && error.problem() != null) {
                    return new InvalidValue(response.status(), error.fields(), error.problem());
                }
                message = error.error();
            } catch (IOException ignored) {
                // fall back to the status below
            }
        }
        if (message == null || message.isBlank()) {
            message = "eflowd answered HTTP " + response.status();
        }
        return new EflowException(response.status(), message);
    }

    private EflowException lost(IOException e) {
        return new EflowException(500, "lost the connection to eflowd on " + http.where() + ": " + e.getMessage());
    }
}
