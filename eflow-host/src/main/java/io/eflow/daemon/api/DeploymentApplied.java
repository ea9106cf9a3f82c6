package io.eflow.daemon.api;

import java.util.List;

/**
 * {@code POST …/deployment}'s answer: the instance, how many modules its deployment now has, and the manifest's
 * fields eflow read past without using.
 */
public record DeploymentApplied(String name, int modules, List<String> warnings) {
}
