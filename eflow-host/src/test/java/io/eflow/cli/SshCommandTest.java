package io.eflow.cli;

import io.eflow.daemon.api.ConnectInfo;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SshCommandTest {

    @Test
    void pinsEverythingTheLoginDependsOn() {
        ConnectInfo info = new ConnectInfo("/run/eflow/instances/edge1/host/ssh.sock", "iotedge-user",
                "/run/eflow/instances/edge1/connect/id_ed25519", "/run/eflow/instances/edge1/connect/id_ed25519-cert.pub",
                "/var/lib/eflow/instances/edge1/known_hosts", "edge1.eflow");

        assertThat(SshCommand.argv(info)).containsExactly(
                "ssh", "-tt",
                "-o", "ProxyCommand=socat - UNIX-CONNECT:/run/eflow/instances/edge1/host/ssh.sock",
                "-o", "UserKnownHostsFile=/var/lib/eflow/instances/edge1/known_hosts",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "HostKeyAlias=edge1.eflow",
                "-i", "/run/eflow/instances/edge1/connect/id_ed25519",
                "-o", "CertificateFile=/run/eflow/instances/edge1/connect/id_ed25519-cert.pub",
                "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=15",
                "iotedge-user@edge1.eflow");
    }

    @Test
    void refusesPathsThatSshOrSocatWouldReinterpret() {
        for (String socket : new String[]{"/tmp/my home/ssh.sock", "/tmp/a:b/ssh.sock", "/tmp/%h/ssh.sock", "/tmp/a,b", "/tmp/$(id)"}) {
            ConnectInfo info = new ConnectInfo(socket, "iotedge-user", "/k", "/k-cert.pub", "/kh", "edge1");
            assertThatThrownBy(() -> SshCommand.argv(info)).isInstanceOf(EflowException.class).hasMessageContaining("socket");
        }
        ConnectInfo optionLike = new ConnectInfo("/s", "-oProxyCommand=x", "/k", "/k-cert.pub", "/kh", "edge1");
        assertThatThrownBy(() -> SshCommand.argv(optionLike)).hasMessageContaining("user");
    }
}
