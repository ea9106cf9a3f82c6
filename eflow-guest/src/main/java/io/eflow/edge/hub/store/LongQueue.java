package io.eflow.edge.hub.store;

import java.util.NoSuchElementException;

/**
 * A FIFO of primitive longs (a ring that doubles and halves): an endpoint's waiting positions cost 8 bytes each,
 * where a {@code Deque<Long>} would cost about 40, which matters with millions queued for an offline upstream.
 */
final class LongQueue {
    private static final int MIN_CAPACITY = 16;

    private long[] items = new long[MIN_CAPACITY];
    private int head;
    private int size;

    void add(long value) {
        if (size == items.length) {
            resize(items.length * 2);
        }
        items[(head + size) & (items.length - 1)] = value;
        size++;
    }

    long peek() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return items[head];
    }

    long poll() {
        long value = peek();
        head = (head + 1) & (items.length - 1);
        size--;
        if (items.length > MIN_CAPACITY && size < items.length / 4) {
            resize(items.length / 2);
        }
        return value;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    private void resize(int capacity) {
        long[] next = new long[capacity];
        for (int i = 0; i < size; i++) {
            next[i] = items[(head + i) & (items.length - 1)];
        }
        items = next;
        head = 0;
    }
}
