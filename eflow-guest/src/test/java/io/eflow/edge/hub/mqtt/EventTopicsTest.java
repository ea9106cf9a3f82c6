package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.SystemProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module's or device's events topic, in the shapes the official SDKs publish, read into the hub's message: the
 * output, the system and the application properties, whatever the SDK's spelling.
 */
class EventTopicsTest {
    private static final ClientId FILTER = ClientId.module("edge1", "filter");
    private static final ClientId LEAF = ClientId.device("edge1");
    private static final String OWN = "devices/edge1/modules/filter/messages/events";

    @Test
    void theNodeSdksOutputEventEscapesTheSystemKeysAndEndsWithASlash() {
        HubMessage message = read(FILTER, OWN + "/%24.on=alerts&%24.mid=m1&%24.cid=c1&%24.ct=application%2Fjson"
                + "&%24.ce=utf-8&MessageType=Alert&id=m4/");

        assertThat(message.source()).isEqualTo(MessageSource.module("filter", "alerts"));
        assertThat(message.systemProperties()).containsOnly(
                Map.entry(SystemProperties.MESSAGE_ID, "m1"),
                Map.entry(SystemProperties.CORRELATION_ID, "c1"),
                Map.entry(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.entry(SystemProperties.CONTENT_ENCODING, "utf-8"),
                Map.entry(SystemProperties.CONNECTION_DEVICE_ID, "edge1"),
                Map.entry(SystemProperties.CONNECTION_MODULE_ID, "filter"));
        assertThat(message.applicationProperties()).containsOnly(Map.entry("MessageType", "Alert"), Map.entry("id", "m4"));
    }

    @Test
    void theNodeSdksPlainEventEndsWithTheBag() {
        HubMessage message = read(FILTER, OWN + "/%24.mid=m1&%24.ct=text%2Fplain&MessageType=Alert");

        assertThat(message.source()).isEqualTo(MessageSource.module("filter"));
        assertThat(message.systemProperties()).contains(Map.entry(SystemProperties.CONTENT_TYPE, "text/plain"));
        assertThat(message.applicationProperties()).containsOnly(Map.entry("MessageType", "Alert"));
    }

    @Test
    void theJavaSdksModuleEventLeavesTheSystemKeysAsTheyAreAndEndsWithASlash() {
        HubMessage message = read(FILTER, OWN + "/$.mid=m1&$.cid=c1&$.on=alerts&$.ce=utf-8&$.ct=application%2Fjson"
                + "&$.ctime=2026-12-06T16%3A00%3A00.000Z&MessageType=Alert&id=m4/");

        assertThat(message.source()).isEqualTo(MessageSource.module("filter", "alerts"));
        assertThat(message.systemProperties()).contains(
                Map.entry(SystemProperties.MESSAGE_ID, "m1"),
                Map.entry(SystemProperties.CORRELATION_ID, "c1"),
                Map.entry(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.entry(SystemProperties.CONTENT_ENCODING, "utf-8"),
                Map.entry(SystemProperties.CREATION_TIME_UTC, "2026-12-06T16:00:00.000Z"));
        assertThat(message.applicationProperties()).containsOnly(Map.entry("MessageType", "Alert"), Map.entry("id", "m4"));
    }

    @Test
    void theTrailingSlashIsNoPartOfTheLastValueButAnEscapedOneIs() {
        assertThat(read(FILTER, OWN + "/$.on=o&id=m4/").applicationProperties()).containsOnly(Map.entry("id", "m4"));
        assertThat(read(FILTER, OWN + "/$.on=o&id=m4/").source()).isEqualTo(MessageSource.module("filter", "o"));
        assertThat(read(FILTER, OWN + "/note=ends%2F/").applicationProperties()).containsOnly(Map.entry("note", "ends/"));
        assertThat(read(FILTER, OWN + "/note=ends%2F").applicationProperties()).containsOnly(Map.entry("note", "ends/"));
        assertThat(read(FILTER, OWN + "/flag/").applicationProperties()).containsOnly(Map.entry("flag", ""));
        assertThat(read(LEAF, "devices/edge1/messages/events/a=1/").applicationProperties())
                .containsOnly(Map.entry("a", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {OWN, OWN + "/", OWN + "//", OWN + "/&", OWN + "/&&/"})
    void anEmptyBagInEveryShapeIsAMessageWithoutPropertiesOrOutput(String topic) {
        HubMessage message = read(FILTER, topic);

        assertThat(message.source()).isEqualTo(MessageSource.module("filter"));
        assertThat(message.applicationProperties()).isEmpty();
        assertThat(message.systemProperties()).containsOnlyKeys(
                SystemProperties.CONNECTION_DEVICE_ID, SystemProperties.CONNECTION_MODULE_ID);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "$.mid=m1&$.cid=c1&$.uid=u1&$.to=%2Fdevices%2Fd&$.ct=text%2Fplain&$.ce=utf-8&$.on=out",
        "%24.mid=m1&%24.cid=c1&%24.uid=u1&%24.to=%2Fdevices%2Fd&%24.ct=text%2Fplain&%24.ce=utf-8&%24.on=out",
        "%24.mid=m1&$.cid=c1&%24.uid=u1&$.to=%2Fdevices%2Fd&%24.ct=text%2Fplain&$.ce=utf-8&%24.on=out/"})
    void systemPropertiesReadTheSameEscapedOrNot(String bag) {
        HubMessage message = read(FILTER, OWN + "/" + bag);

        assertThat(message.source()).isEqualTo(MessageSource.module("filter", "out"));
        assertThat(message.systemProperties()).contains(
                Map.entry(SystemProperties.MESSAGE_ID, "m1"),
                Map.entry(SystemProperties.CORRELATION_ID, "c1"),
                Map.entry(SystemProperties.USER_ID, "u1"),
                Map.entry(SystemProperties.TO, "/devices/d"),
                Map.entry(SystemProperties.CONTENT_TYPE, "text/plain"),
                Map.entry(SystemProperties.CONTENT_ENCODING, "utf-8"));
        assertThat(message.applicationProperties()).isEmpty();
    }

    @Test
    void escapedKeysAndValuesAreReadAndRepeatedSeparatorsAndKeysWithoutValueTakenAsTheyCome() {
        HubMessage message = read(FILTER, OWN + "/&&na%20me=a%2Fb%20c%26d%3De%2Bf%25&&flag&%C3%A9t%C3%A9=%E2%9C%93&/");

        assertThat(message.applicationProperties()).containsOnly(
                Map.entry("na me", "a/b c&d=e+f%"), Map.entry("flag", ""), Map.entry("été", "✓"));
    }

    private static HubMessage read(ClientId who, String topic) {
        Topics.Request request = new Topics(who).publish(topic).orElseThrow();
        assertThat(request).isInstanceOf(Topics.Events.class);
        return EventMessages.of(who, ((Topics.Events) request).bag(), new byte[0], false);
    }
}
