import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The least any Java CLI can do per call: one HTTP GET to eflowd over its UNIX socket, the answer copied to stdout, no
 * parsing of arguments or JSON. bench/cli-start.sh times it with the CLI's JVM flags and an AppCDS archive of its own,
 * as the floor beside the real CLI: what is left above it is eflow's own code. Usage: MinimalJavaClient SOCKET PATH
 */
public final class MinimalJavaClient {
    public static void main(String[] args) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(("GET " + args[1] + " HTTP/1.1\r\nHost: eflow\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            in.transferTo(System.out);
            System.out.flush();
        }
    }
}
