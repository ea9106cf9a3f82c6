package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.AgentRequest;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.ReplyStream;
import io.eflow.contract.wire.RequestException;
import io.eflow.edge.logs.Query;
import io.eflow.edge.logs.Since;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The edge agent's requests on the runtime's socket: deployments, modules, their logs, image loads and checks. */
public final class AgentRequests implements Handler<AgentRequest<?>> {
    private static final ObjectMapper JSON = Mappers.standard();
    private final EdgeAgent agent;

    public AgentRequests(EdgeAgent agent) {
        this.agent = agent;
    }

    @Override
    public Reply handle(AgentRequest<?> request, ReplyStream stream) throws IOException {
        // a pattern switch once the build is past Java 17
        if (request instanceof AgentRequest.Apply apply) {
            return apply(apply);
        } else if (request instanceof AgentRequest.Show) {
            return new Reply.Deployment(agent.deployment().orElse(null));
        } else if (request instanceof AgentRequest.ListModules) {
            return new Reply.Modules(agent.modules());
        } else if (request instanceof AgentRequest.Restart restart) {
            if (!(restart.newIdentity() ? agent.restartWithNewIdentity(restart.module()) : agent.restart(restart.module()))) {
                throw noModule(restart.module());
            }
            return new Reply.Done();
        } else if (request instanceof AgentRequest.Logs logs) {
            return logs(logs, stream);
        } else if (request instanceof AgentRequest.Load load) {
            return new Reply.ImagesLoaded(agent.load(Path.of(required(load.file(), "file")), Optional.ofNullable(load.reference())));
        } else if (request instanceof AgentRequest.Check) {
            return new Reply.CheckReport(new AgentChecks(agent).run());
        }
        throw new IllegalStateException("the agent has no answer to " + request.op());
    }

    private Reply apply(AgentRequest.Apply apply) throws IOException {
        if (apply.manifest() == null || apply.manifest().isNull()) {
            throw RequestException.badRequest("apply needs a manifest");
        }
        ParsedManifest parsed = agent.apply(JSON.writeValueAsString(apply.manifest()));
        return new Reply.Applied(parsed.manifest().agent().modules().size(), parsed.warnings());
    }

    /** Following ends when the host goes away: its side of the socket closes, which the stream notices. */
    private Reply logs(AgentRequest.Logs request, ReplyStream stream) throws IOException {
        String module = required(request.module(), "module");
        if (!agent.modules().containsKey(module) && !agent.logs().modules().contains(module)) {
            throw noModule(module);
        }
        Query query = Query.all().withTail(request.tail() == null ? Query.ALL : request.tail()).withFollow(request.follow());
        if (request.since() != null) {
            query = query.withSince(Since.parse(request.since(), Clock.systemUTC()));
        }
        BooleanSupplier connected = query.follow() ? stream::open : () -> true;
        try {
            agent.logs().read(module, query, line -> {
                try {
                    stream.send(new LogLine(line.time(), line.stream(), line.text()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, connected);
        } catch (NoSuchElementException e) {
            // deployed but never started: no lines yet
            if (query.follow()) {
                throw RequestException.conflict("module '" + module + "' has no logs yet");
            }
        }
        return new Reply.End();
    }

    private static RequestException noModule(String module) {
        return RequestException.notFound("no module named '" + module + "' is deployed");
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw RequestException.badRequest("the request needs '" + field + "'");
        }
        return value;
    }
}
