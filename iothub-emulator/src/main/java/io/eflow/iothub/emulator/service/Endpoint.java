package io.eflow.iothub.emulator.service;

/** A service mounted on the HTTPS port beside IoT Hub's REST API ({@link ServiceServer#mount}). */
@FunctionalInterface
public interface Endpoint {
    /**
     * Answers a request whose path the mount matched ({@link Request#part} are its groups). Its own refusals are its
     * own responses; an exception is the emulator's failure (500).
     */
    Response handle(Request request) throws Exception;
}
