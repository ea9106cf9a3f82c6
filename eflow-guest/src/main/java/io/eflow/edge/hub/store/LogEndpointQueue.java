package io.eflow.edge.hub.store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.ERROR;

/**
 * An endpoint's queue over the shared log: the log positions of its messages, in three states — waiting (never
 * handed out by this process), to retry (handed out, then refused or timed out) and in flight (handed out, awaiting
 * the acknowledgement). The log itself is read outside the lock, so a slow disk read never holds up the writer.
 */
final class LogEndpointQueue implements EndpointQueue {
    private static final System.Logger LOG = System.getLogger(LogEndpointQueue.class.getName());
    /**
     * Enough for a few batches of the writer at small message sizes; a lagging consumer reads from the log (which
     * checks each record's CRC, so damage on the disk is still found where the log is the only copy).
     */
    static final long RECENT_BYTES = 256 * 1024;

    private final String endpoint;
    private final SegmentLog log;
    private final Clock clock;
    private final long redeliveryNanos;
    private final LongQueue waiting = new LongQueue();
    private final TreeSet<Long> retry = new TreeSet<>();
    /** Positions in {@link #retry} that were picked but never handed out (past a poll's byte budget). */
    private final HashSet<Long> unsent = new HashSet<>();
    /**
     * Entries of the latest appends, by position, up to {@link #RECENT_BYTES} of payload: a consumer that keeps up
     * takes them from here instead of reading back (a syscall, a copy and a checksum each) what was just written.
     */
    private final HashMap<Long, LogEntry> recent = new HashMap<>();
    private long recentBytes;
    /** position -> System.nanoTime() after which it is handed out again. */
    private final TreeMap<Long, Long> inFlight = new TreeMap<>();
    private long delivered;
    private long expired;
    private long redelivered;
    private long unreadable;
    private String closed;

    LogEndpointQueue(String endpoint, SegmentLog log, Clock clock, Duration redeliveryTimeout) {
        this.endpoint = endpoint;
        this.log = log;
        this.clock = clock;
        this.redeliveryNanos = redeliveryTimeout.toNanos();
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    /** A message recovered for this endpoint at open. */
    synchronized void add(long position) {
        waiting.add(position);
    }

    /** A message the writer just wrote, with its entry kept in memory while there is room. */
    synchronized void add(long position, LogEntry entry) {
        waiting.add(position);
        if (recentBytes + entry.payload().length <= RECENT_BYTES) {
            recent.put(position, entry);
            recentBytes += entry.payload().length;
        }
    }

    private synchronized LogEntry takeRecent(long position) {
        LogEntry entry = recent.remove(position);
        if (entry != null) {
            recentBytes -= entry.payload().length;
        }
        return entry;
    }

    /** Wakes a consumer waiting in {@link #poll} after the writer added a batch. */
    synchronized void signal() {
        notifyAll();
    }

    @Override
    public List<Delivery> poll(int max, Duration wait) throws InterruptedException {
        return poll(max, Long.MAX_VALUE, wait);
    }

    @Override
    public List<Delivery> poll(int max, long maxBytes, Duration wait) throws InterruptedException {
        if (max < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("max and maxBytes must be positive: " + max + ", " + maxBytes);
        }
        long deadline = System.nanoTime() + Math.min(wait.toNanos(), Long.MAX_VALUE / 4);
        while (true) {
            List<Pick> picks = pick(max, deadline);
            if (picks.isEmpty()) {
                return List.of();
            }
            List<Delivery> deliveries = load(picks, maxBytes);
            if (!deliveries.isEmpty()) {
                return deliveries;
            }
        }
    }

    private record Pick(long position, boolean again) {
    }

    /** Moves up to {@code max} positions in flight, waiting until there are some or the deadline passes. */
    private synchronized List<Pick> pick(int max, long deadline) throws InterruptedException {
        while (true) {
            if (closed != null) {
                throw new StoreException(closed);
            }
            long now = System.nanoTime();
            long nextTimeout = requeueOverdue(now);
            if (!retry.isEmpty() || !waiting.isEmpty()) {
                List<Pick> picks = new ArrayList<>(Math.min(max, retry.size() + waiting.size()));
                while (picks.size() < max && !(retry.isEmpty() && waiting.isEmpty())) {
                    boolean fromRetry = !retry.isEmpty();
                    long position = fromRetry ? retry.pollFirst() : waiting.poll();
                    boolean again = fromRetry && !unsent.remove(position);
                    inFlight.put(position, now + redeliveryNanos);
                    picks.add(new Pick(position, again));
                }
                return picks;
            }
            long sleep = deadline - now;
            if (sleep <= 0) {
                return List.of();
            }
            if (nextTimeout != Long.MAX_VALUE) {
                sleep = Math.min(sleep, nextTimeout - now);
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(sleep, 1));
        }
    }

    /** Moves in-flight messages past their timeout to retry; returns when the next one times out. */
    private long requeueOverdue(long now) {
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<Long, Long>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() - now <= 0) {
                it.remove();
                retry.add(e.getKey());
                redelivered++;
            } else {
                next = Math.min(next, e.getValue());
            }
        }
        return next;
    }

    private List<Delivery> load(List<Pick> picks, long maxBytes) {
        List<Delivery> deliveries = new ArrayList<>(picks.size());
        long now = clock.millis();
        long bytes = 0;
        for (int i = 0; i < picks.size(); i++) {
            Pick pick = picks.get(i);
            if (bytes >= maxBytes) {
                putBack(picks.subList(i, picks.size()));
                return deliveries;
            }
            LogEntry entry = takeRecent(pick.position());
            try {
                if (entry == null) {
                    entry = log.read(pick.position(), true);
                }
            } catch (CorruptRecordException e) {
                LOG.log(ERROR, "endpoint {0}: message at {1} dropped, it cannot be read back ({2})", endpoint,
                        pick.position(), e.getMessage());
                if (dropInFlight(pick.position())) {
                    countUnreadable();
                }
                continue;
            } catch (IOException e) {
                giveBack(picks.subList(i, picks.size()));
                if (!deliveries.isEmpty()) {
                    return deliveries;
                }
                throw new StoreException(closedOr("cannot read the message store: " + e), e);
            }
            if (now >= entry.expiresAt(endpoint)) {
                if (dropInFlight(pick.position())) {
                    countExpired();
                }
                continue;
            }
            deliveries.add(new Delivery(pick.position(), entry.source(),
                    Instant.ofEpochMilli(entry.enqueuedAtMillis()), entry.payload(), pick.again()));
            bytes += entry.payload().length;
        }
        return deliveries;
    }

    private synchronized String closedOr(String problem) {
        return closed != null ? closed : problem;
    }

    private synchronized void giveBack(List<Pick> picks) {
        for (Pick pick : picks) {
            if (inFlight.remove(pick.position()) != null) {
                retry.add(pick.position());
            }
        }
        notifyAll();
    }

    /** Picks past the byte budget: first in line again, and not counted as handed out. */
    private synchronized void putBack(List<Pick> picks) {
        for (Pick pick : picks) {
            if (inFlight.remove(pick.position()) != null) {
                retry.add(pick.position());
                if (!pick.again()) {
                    unsent.add(pick.position());
                }
            }
        }
    }

    private synchronized boolean dropInFlight(long position) {
        return inFlight.remove(position) != null;
    }

    private synchronized void countExpired() {
        expired++;
    }

    private synchronized void countUnreadable() {
        unreadable++;
    }

    @Override
    public synchronized boolean ack(long sequence) {
        if (inFlight.remove(sequence) != null || retry.remove(sequence)) {
            unsent.remove(sequence);
            delivered++;
            return true;
        }
        return false;
    }

    @Override
    public synchronized boolean nack(long sequence) {
        if (inFlight.remove(sequence) == null) {
            return false;
        }
        retry.add(sequence);
        redelivered++;
        notifyAll();
        return true;
    }

    /**
     * Drops expired messages from the front of what waits (a consumer's in-flight messages are its own), so an
     * endpoint nobody takes from, such as an offline upstream, does not pin its segments past their time-to-live.
     */
    void dropExpired(long nowMillis) {
        while (true) {
            long oldest;
            synchronized (this) {
                oldest = closed == null ? oldestWaiting() : -1;
            }
            if (oldest < 0) {
                return;
            }
            boolean corrupt = false;
            try {
                if (log.read(oldest, false).expiresAt(endpoint) > nowMillis) {
                    return;
                }
            } catch (CorruptRecordException e) {
                corrupt = true;
            } catch (IOException e) {
                return;
            }
            synchronized (this) {
                if (!removeWaiting(oldest)) {
                    return;
                }
                if (corrupt) {
                    unreadable++;
                } else {
                    expired++;
                }
            }
        }
    }

    private long oldestWaiting() {
        long oldest = -1;
        if (!retry.isEmpty()) {
            oldest = retry.first();
        }
        if (!waiting.isEmpty() && (oldest < 0 || waiting.peek() < oldest)) {
            oldest = waiting.peek();
        }
        return oldest;
    }

    private boolean removeWaiting(long position) {
        if (retry.remove(position)) {
            unsent.remove(position);
            return true;
        }
        if (!waiting.isEmpty() && waiting.peek() == position) {
            waiting.poll();
            LogEntry entry = recent.remove(position);
            if (entry != null) {
                recentBytes -= entry.payload().length;
            }
            return true;
        }
        return false;
    }

    /** The position below which this endpoint is done, {@code end} when nothing is outstanding. */
    synchronized long cursor(long end) {
        long cursor = end;
        if (!inFlight.isEmpty()) {
            cursor = Math.min(cursor, inFlight.firstKey());
        }
        if (!retry.isEmpty()) {
            cursor = Math.min(cursor, retry.first());
        }
        if (!waiting.isEmpty()) {
            cursor = Math.min(cursor, waiting.peek());
        }
        return cursor;
    }

    synchronized void close(String reason) {
        if (closed == null) {
            closed = reason;
        }
        recent.clear();
        recentBytes = 0;
        notifyAll();
    }

    @Override
    public EndpointMetrics metrics() {
        long oldest;
        EndpointMetrics counts;
        synchronized (this) {
            long cursor = cursor(Long.MAX_VALUE);
            oldest = cursor == Long.MAX_VALUE ? -1 : cursor;
            counts = new EndpointMetrics(endpoint, waiting.size() + retry.size() + inFlight.size(), inFlight.size(),
                    Duration.ZERO, delivered, expired, redelivered, unreadable);
        }
        if (oldest < 0) {
            return counts;
        }
        Duration age;
        try {
            age = Duration.ofMillis(Math.max(0, clock.millis() - log.read(oldest, false).enqueuedAtMillis()));
        } catch (IOException e) {
            age = Duration.ZERO;
        }
        return new EndpointMetrics(endpoint, counts.queueLength(), counts.inFlight(), age, counts.delivered(),
                counts.expired(), counts.redelivered(), counts.unreadable());
    }
}
