package io.eflow.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's resolver configuration as a guest can use it: its IPv4 name servers less loopback ones (a stub resolver
 * on the host, such as systemd-resolved's 127.0.0.53, is not reachable from a guest), and its search and options lines.
 * Read afresh at every start, so a guest follows a host that moved to another network.
 */
public record HostResolvers(List<String> nameServers, List<String> otherLines) {
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    public static HostResolvers read() {
        return parse(RESOLV_CONF);
    }

    static HostResolvers parse(Path file) {
        List<String> servers = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            lines = List.of(); // a guest without the host's resolvers still boots; dns set can name some
        }
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[0].equals("nameserver") && words[1].matches("\\d{1,3}(\\.\\d{1,3}){3}")
                    && !words[1].startsWith("127.") && servers.size() < 3) {
                servers.add(words[1]);
            } else if (words[0].equals("search") || words[0].equals("options")) {
                other.add(line.trim());
            }
        }
        return new HostResolvers(servers, other);
    }
}
