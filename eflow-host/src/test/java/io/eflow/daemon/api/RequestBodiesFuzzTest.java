package io.eflow.daemon.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.forward.Forward;
import io.eflow.host.HostInfo;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's REST bodies (from the CLI, the console, a remote API client) read into their request records as the
 * routes read them, with the checks the routes run next: a body is taken, or refused with an {@link EflowException}
 * of status 400 whose message is one line, never a server error. A body that is taken writes back to JSON that reads
 * the same. Input: a first byte choosing the request type, then the body.
 */
class RequestBodiesFuzzTest {
    private static final HostInfo HOST = new HostInfo(16384, 4, List.of());

    /** Each type a route reads, with what the route checks of it right after reading. */
    private record Body<T>(Class<T> type, Consumer<T> checks) {
        static <T> Body<T> of(Class<T> type) {
            return new Body<>(type, request -> { });
        }

        void read(byte[] json) {
            T request = Json.readRequest(json, type);
            JsonNode written = Json.mapper().valueToTree(request);
            JsonNode readBack = Json.mapper().valueToTree(Json.readRequest(Json.write(request), type));
            assertThat(readBack).as("%s read back", type.getSimpleName()).isEqualTo(written);
            checks.accept(request);
        }
    }

    private static final List<Body<?>> BODIES = List.of(
            new Body<>(DeployRequest.class, request -> request.validate(HOST, "host")),
            new Body<>(HubPublish.class, HubPublish::checked),
            new Body<>(CopyRequest.class, CopyRequest::checked),
            new Body<>(InvokeRequest.class, InvokeRequest::checkedCommand),
            new Body<>(LogsRequest.class, request -> request.outputFor("edge", Instant.EPOCH)),
            Body.of(ConsoleEnable.class), Body.of(ConsoleUserChange.class), Body.of(EndpointAdd.class),
            Body.of(EndpointAddress.class), Body.of(FeatureChange.class), Body.of(FirewallChange.class),
            Body.of(Forward.class), Body.of(IdentityAdd.class), Body.of(ImageLoad.class),
            Body.of(LoginRequest.class), Body.of(NameServerChange.class),
            Body.of(ProvisioningSpec.class), Body.of(ProxyChange.class), Body.of(RenewRequest.class),
            Body.of(SerialPortChange.class), Body.of(SetRequest.class), Body.of(ShareChange.class),
            Body.of(TokenCreate.class), Body.of(UpdateRequest.class), Body.of(UpstreamChange.class));

    @FuzzTest(maxDuration = "30s")
    void bodies(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Body<?> body = BODIES.get((input[0] & 0xFF) % BODIES.size());
        try {
            body.read(Arrays.copyOfRange(input, 1, input.length));
        } catch (EflowException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }
}
