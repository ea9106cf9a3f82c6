package io.eflow.channel;

/** Resizes an open terminal's pty, as a terminal window's size changes. */
@FunctionalInterface
public interface TerminalResize {
    void resize(int columns, int rows);
}
