package io.eflow.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HostResolversTest {
    @TempDir
    Path tmp;

    @Test
    void loopbackIpv6AndExtraServersAreLeftOutSearchAndOptionsKept() throws Exception {
        Path file = tmp.resolve("resolv.conf");
        Files.writeString(file, """
                # a comment
                nameserver 127.0.0.53
                nameserver 10.0.0.53
                nameserver fd00::53
                search plant.example
                options edns0 trust-ad
                nameserver 10.0.1.53
                nameserver 10.0.2.53
                nameserver 10.0.3.53
                """);
        HostResolvers read = HostResolvers.parse(file);
        assertThat(read.nameServers()).containsExactly("10.0.0.53", "10.0.1.53", "10.0.2.53");
        assertThat(read.otherLines()).containsExactly("search plant.example", "options edns0 trust-ad");
    }

    @Test
    void noFileMeansNoServers() {
        assertThat(HostResolvers.parse(tmp.resolve("absent")).nameServers()).isEmpty();
    }
}
