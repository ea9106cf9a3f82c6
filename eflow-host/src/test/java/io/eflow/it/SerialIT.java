package io.eflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.wire.Check;
import io.eflow.daemon.api.SerialPortChange;
import io.eflow.daemon.api.SerialPortList;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.SerialPort;
import io.eflow.modules.AgentClient;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Serial passthrough (the seeds' sample) on either backend: a serial line made on the host with socat (two connected
 * pseudo-terminals: the test holds one end, the guest gets the other), passed through with 'eflow device add', opened by
 * a module that takes it through its createOptions' Devices and answers every line; bytes go both ways. Bad ports are
 * refused in one line with nothing stored; the port is removed again with one more restart.
 */
@BothBackends
@VmCheck
class SerialIT extends SharedGuestTest {
    private static final String ECHO = "serialecho";

    @Test
    void aModuleAnswersLinesOnAHostSerialPortPassedThrough() throws Exception {
        InstanceManager manager = host.manager();
        Path dir = Files.createTempDirectory("eflow-serial-it-");
        Process line = new ProcessBuilder("socat", "pty,link=" + dir.resolve("host-end") + ",raw,echo=0",
                "pty,link=" + dir.resolve("guest-end") + ",raw,echo=0").redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat.log").toFile()).start();
        AgentClient edge = new AgentClient(manager);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("guest-end")) && Files.exists(dir.resolve("host-end")));
            Path notAPort = Files.writeString(dir.resolve("plain-file"), "x");
            for (SerialPortChange bad : List.of(new SerialPortChange(notAPort.toString(), null, null),
                    new SerialPortChange("/dev/null", null, null), new SerialPortChange(dir.resolve("absent").toString(), null, null),
                    new SerialPortChange(dir.resolve("guest-end").toString(), "ttyS1", null))) {
                assertThatThrownBy(() -> manager.hostResources().changeSerialPorts(guest, bad)).as(bad.toString()).isInstanceOf(InvalidValue.class);
            }
            assertThat(manager.hostResources().serialPorts(guest).ports()).as("nothing stored by a refused change").isEmpty();

            SerialPortList added = manager.hostResources().changeSerialPorts(guest, new SerialPortChange(dir.resolve("guest-end").toString(), null, null));
            assertThat(added.ports()).extracting(SerialPort::guestName).containsExactly("ttyEFLOW0");
            assertThat(added.ports().get(0).hostPath()).startsWith("/dev/pts/");
            manager.stop(guest);
            manager.start(guest);
            run("test", "-c", "/dev/ttyEFLOW0");
            assertThat(edge.check(guest)).filteredOn(check -> check.id().equals("serial")).extracting(Check::status)
                    .as("eflow check").containsExactly("ok");

            edge.load(guest, EdgeAgentIT.busyboxImage(host), null);
            edge.apply(guest, EdgeAgentIT.manifest(Map.of(ECHO, echoModule())).getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).until(() -> edge.modules(guest).containsKey(ECHO)
                    && "running".equals(edge.modules(guest).get(ECHO).runtimeStatus()));

            try (RandomAccessFile port = new RandomAccessFile(dir.resolve("host-end").toFile(), "rw")) {
                BlockingQueue<String> answers = lines(port);
                // the module may still be setting its line up: ask until it answers
                String answer = null;
                for (int attempt = 0; attempt < 20 && answer == null; attempt++) {
                    port.write(("ping " + attempt + "\n").getBytes(StandardCharsets.US_ASCII));
                    answer = answers.poll(2, TimeUnit.SECONDS);
                }
                assertThat(answer).as("the module's answer over the serial line").matches("module got ping \\d+");
            }
        } finally {
            edge.apply(guest, EdgeAgentIT.manifest(Map.of()).getBytes(StandardCharsets.UTF_8));
            for (SerialPort port : manager.hostResources().serialPorts(guest).ports()) {
                manager.hostResources().changeSerialPorts(guest, new SerialPortChange(null, null, port.guestName()));
            }
            manager.stop(guest);
            line.destroy();
            line.waitFor(5, TimeUnit.SECONDS);
            manager.start(guest);
            FileTrees.deleteRecursively(dir);
        }
        assertThat(invoke("test", "-e", "/dev/ttyEFLOW0").exitCode()).as("gone after remove and a restart").isNotZero();
    }

    /** Sets the line raw (a VM's UART starts in cooked mode with echo) and answers each line it reads. */
    private static String echoModule() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode options = json.createObjectNode();
        options.putArray("Cmd").add("/bin/busybox").add("sh").add("-c").add("/bin/busybox stty -F /dev/ttyEFLOW0 raw -echo;"
                + " while read -r text; do echo \"module got $text\"; done < /dev/ttyEFLOW0 > /dev/ttyEFLOW0");
        options.putObject("HostConfig").putArray("Devices").addObject().put("PathOnHost", "/dev/ttyEFLOW0")
                .put("PathInContainer", "/dev/ttyEFLOW0").put("CgroupPermissions", "rwm");
        ObjectNode module = json.createObjectNode().put("version", "1.0").put("type", "docker")
                .put("status", "running").put("restartPolicy", "always").put("imagePullPolicy", "never");
        module.putObject("settings").put("image", EdgeAgentIT.IMAGE).put("createOptions", options.toString());
        return module.toString();
    }

    /** Each line read from the port, on a daemon thread (a pty read blocks until socat's end goes away). */
    private static BlockingQueue<String> lines(RandomAccessFile port) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            StringBuilder text = new StringBuilder();
            try {
                for (int c = port.read(); c != -1; c = port.read()) {
                    if (c == '\n') {
                        lines.add(text.toString());
                        text.setLength(0);
                    } else if (c != '\r') {
                        text.append((char) c);
                    }
                }
            } catch (IOException e) {
                // the line went away: the test is over
            }
        }, "serial-it-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
