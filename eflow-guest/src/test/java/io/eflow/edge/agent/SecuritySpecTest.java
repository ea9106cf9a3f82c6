package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.eflow.edge.agent.SpecFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class SecuritySpecTest extends SpecTest {
    private static final String[] DOCKER_DEFAULT = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
            "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"};

    @Test
    void unprivilegedModulesGetDockersDefaultsAndConfinement() {
        JsonNode spec = fixture.spec();

        for (String set : new String[] {"bounding", "effective", "permitted"}) {
            assertThat(texts(spec.at("/process/capabilities/" + set))).containsExactlyInAnyOrder(DOCKER_DEFAULT);
        }
        assertThat(spec.at("/process/noNewPrivileges").asBoolean()).isTrue();
        assertThat(texts(spec.at("/linux/maskedPaths"))).contains("/proc/kcore", "/proc/keys", "/sys/firmware");
        assertThat(texts(spec.at("/linux/readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
        assertThat(spec.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(texts(spec.at("/linux/seccomp/syscalls/0/names"))).contains("keyctl", "init_module", "clock_settime", "mount");
        JsonNode rules = spec.at("/linux/resources/devices");
        assertThat(rules.get(0).get("allow").asBoolean()).as("deny everything first").isFalse();
        assertThat(rules).anyMatch(rule -> rule.path("major").asInt() == 1 && rule.path("minor").asInt() == 3);
    }

    @Test
    void capAddAndCapDropTakeNamesWithOrWithoutThePrefix() {
        fixture.createOptions = "{'HostConfig': {'CapAdd': ['NET_ADMIN', 'cap_sys_time'], 'CapDrop': ['CAP_NET_RAW', 'mknod']}}";
        JsonNode spec = fixture.spec();

        assertThat(texts(spec.at("/process/capabilities/effective")))
                .contains("CAP_NET_ADMIN", "CAP_SYS_TIME", "CAP_CHOWN").doesNotContain("CAP_NET_RAW", "CAP_MKNOD", "CAP_SYS_ADMIN")
                .hasSize(DOCKER_DEFAULT.length);
        assertThat(texts(spec.at("/linux/seccomp/syscalls/0/names"))).as("SYS_TIME unlocks the clock")
                .doesNotContain("clock_settime", "settimeofday").contains("init_module");
    }

    @Test
    void allInCapDropStartsFromNothingAndInCapAddFromEverything() {
        fixture.createOptions = "{'HostConfig': {'CapDrop': ['ALL'], 'CapAdd': ['NET_BIND_SERVICE']}}";
        assertThat(texts(fixture.spec().at("/process/capabilities/bounding"))).containsExactly("CAP_NET_BIND_SERVICE");

        fixture.createOptions = "{'HostConfig': {'CapAdd': ['ALL'], 'CapDrop': ['SYS_ADMIN']}}";
        assertThat(texts(fixture.spec().at("/process/capabilities/bounding")))
                .hasSize(ModuleCapabilities.ALL.size() - 1).doesNotContain("CAP_SYS_ADMIN");
    }

    @Test
    void unknownCapabilitiesAreErrorsNamingTheModule() {
        assertRefused("{'HostConfig': {'CapAdd': ['NET_ADMINS']}}").hasMessageContaining("'NET_ADMINS'");
    }

    @Test
    void privilegedModulesGetEverythingAndNoConfinement() {
        fixture.createOptions = "{'HostConfig': {'Privileged': true, 'CapDrop': ['ALL']}}";
        JsonNode spec = fixture.spec();

        assertThat(texts(spec.at("/process/capabilities/effective"))).hasSize(41)
                .startsWith("CAP_CHOWN").endsWith("CAP_CHECKPOINT_RESTORE").contains("CAP_SYS_ADMIN", "CAP_BPF");
        assertThat(spec.at("/process/noNewPrivileges").asBoolean()).isFalse();
        assertThat(spec.at("/linux").has("seccomp")).isFalse();
        assertThat(spec.at("/linux").has("maskedPaths")).isFalse();
        assertThat(spec.at("/linux").has("readonlyPaths")).isFalse();
        JsonNode rules = spec.at("/linux/resources/devices");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).get("allow").asBoolean()).isTrue();
        assertThat(rules.get(0).get("type").asText()).isEqualTo("a");
        assertThat(rules.get(0).get("access").asText()).isEqualTo("rwm");
    }

    @Test
    void devicesAreCreatedAndAllowedWithTheirCgroupPermissions() {
        fixture.devices = path -> path.equals(Path.of("/dev/ttyACM0")) ? new DeviceNode('c', 166, 0) : new DeviceNode('b', 8, 16);
        fixture.createOptions = "{'HostConfig': {'Devices': [{'PathOnHost': '/dev/ttyACM0', 'PathInContainer': '/dev/serial',"
                + " 'CgroupPermissions': 'rw'}, {'PathOnHost': '/dev/sdb'}]}}";
        JsonNode spec = fixture.spec();

        JsonNode serial = spec.at("/linux/devices/0");
        assertThat(serial.get("path").asText()).isEqualTo("/dev/serial");
        assertThat(serial.get("type").asText()).isEqualTo("c");
        assertThat(serial.get("major").asLong()).isEqualTo(166);
        assertThat(serial.get("minor").asLong()).isZero();
        assertThat(spec.at("/linux/devices/1/path").asText()).isEqualTo("/dev/sdb");
        assertThat(spec.at("/linux/devices/1/type").asText()).isEqualTo("b");
        JsonNode rules = spec.at("/linux/resources/devices");
        JsonNode last = rules.get(rules.size() - 1);
        assertThat(last.toString()).isEqualTo("{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":16,\"access\":\"rwm\"}");
        assertThat(rules.get(rules.size() - 2).toString())
                .isEqualTo("{\"allow\":true,\"type\":\"c\",\"major\":166,\"minor\":0,\"access\":\"rw\"}");
    }

    @Test
    void aPseudoTerminalIsBoundInBecauseANodeMadeWithMknodWouldOpenNothing() {
        fixture.devices = path -> new DeviceNode('c', 136, 5);
        fixture.createOptions = "{'HostConfig': {'Devices': [{'PathOnHost': '/dev/ttyEFLOW0', 'PathInContainer': '/dev/ttyUSB0'}]}}";
        JsonNode spec = fixture.spec();
        assertThat(spec.at("/linux/devices")).isEmpty();
        JsonNode bind = null;
        for (JsonNode mount : spec.at("/mounts")) {
            if (mount.get("destination").asText().equals("/dev/ttyUSB0")) {
                bind = mount;
            }
        }
        assertThat(bind).isNotNull();
        assertThat(bind.get("source").asText()).isEqualTo("/dev/ttyEFLOW0");
        assertThat(bind.get("options").toString()).contains("\"rbind\"", "\"rw\"", "\"nosuid\"");
        JsonNode rules = spec.at("/linux/resources/devices");
        assertThat(rules.get(rules.size() - 1).toString())
                .isEqualTo("{\"allow\":true,\"type\":\"c\",\"major\":136,\"minor\":5,\"access\":\"rwm\"}");
    }

    @Test
    void aDeviceThatCannotBeReadIsAnErrorNamingTheModule() {
        fixture.devices = DeviceNode::stat;
        assertRefused("{'HostConfig': {'Devices': [{'PathOnHost': '/dev/nothing-here'}]}}")
                .hasMessageContaining("device /dev/nothing-here");
    }

    @Test
    void statReadsTheNumbersOfARealDeviceNode() {
        assumeThat(Files.exists(Path.of("/dev/null"))).isTrue();
        assertThat(DeviceNode.stat(Path.of("/dev/null"))).isEqualTo(new DeviceNode('c', 1, 3));
        assertThatThrownBy(() -> DeviceNode.stat(dir)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largeDeviceNumbersAreSplitAsGlibcDoes() {
        // makedev(0x12345, 0x6789a) from glibc's layout
        long rdev = (0x12345L & 0xfff) << 8 | (0x12345L & ~0xfffL) << 32 | (0x6789aL & 0xff) | (0x6789aL & ~0xffL) << 12;
        assertThat(DeviceNode.major(rdev)).isEqualTo(0x12345);
        assertThat(DeviceNode.minor(rdev)).isEqualTo(0x6789a);
    }
}
