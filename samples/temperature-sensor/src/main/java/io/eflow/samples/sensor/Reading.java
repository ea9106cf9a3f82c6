package io.eflow.samples.sensor;

import java.time.Instant;
import java.util.Locale;

/** One reading of the simulated machine and its surroundings, as the JSON body the sensor sends. */
public record Reading(double machineTemperature, double machinePressure, double ambientTemperature,
                      double ambientHumidity, Instant timeCreated) {

    /** {@code {"machine":{"temperature":..,"pressure":..},"ambient":{...},"timeCreated":"ISO-8601"}}. */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"machine\":{\"temperature\":%.2f,\"pressure\":%.2f},"
                        + "\"ambient\":{\"temperature\":%.2f,\"humidity\":%.0f},\"timeCreated\":\"%s\"}",
                machineTemperature, machinePressure, ambientTemperature, ambientHumidity, timeCreated);
    }
}
