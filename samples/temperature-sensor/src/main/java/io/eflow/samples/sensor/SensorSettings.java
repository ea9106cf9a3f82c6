package io.eflow.samples.sensor;

import io.eflow.samples.module.Env;

import java.time.Duration;

/**
 * @param interval SEND_INTERVAL_MS, default 1000: the time between two readings
 * @param messageCount MESSAGE_COUNT, default 0: how many readings to send before idling, 0 for no limit
 */
public record SensorSettings(Duration interval, long messageCount) {
    public static SensorSettings from(Env env) {
        return new SensorSettings(Duration.ofMillis(env.whole("SEND_INTERVAL_MS", 1000, 1)),
                env.whole("MESSAGE_COUNT", 0, 0));
    }

    public boolean unlimited() {
        return messageCount == 0;
    }
}
