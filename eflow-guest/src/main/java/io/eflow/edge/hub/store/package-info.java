/**
 * The edge hub's durable store-and-forward: messages the hub accepted are kept on the guest's data partition until
 * each endpoint they were routed to (a module input, or {@code $upstream}) acknowledges them or they expire.
 *
 * <h2>Use</h2>
 * {@link io.eflow.edge.hub.store.LogMessageStore#open} a store; {@link io.eflow.edge.hub.store.MessageStore#append}
 * each routed message with its {@link io.eflow.edge.hub.store.Destination}s and acknowledge the publisher when the
 * future completes (it completes after {@code fdatasync}; the message may reach its endpoints before that, see
 * below); per endpoint, {@code poll} its
 * {@link io.eflow.edge.hub.store.EndpointQueue}, send, and {@code ack} or {@code nack};
 * {@link io.eflow.edge.hub.store.MessageStore#metrics} for the exported figures.
 *
 * <h2>On disk</h2>
 * <ul>
 *   <li>{@code <base>.log} segment files (20-digit base): records only, each {@code length, crc32c, body} with the
 *       source, the enqueue time, each destination with its expiry, and the payload (see {@code RecordCodec}). A
 *       message is written once whatever its number of destinations; its sequence number is its byte position in
 *       the log ({@code base + offset}). A segment is closed at {@link io.eflow.edge.hub.store.StoreConfig#segmentBytes}.</li>
 *   <li>{@code cursors.json}: per endpoint, the position below which it is done; {@code start}, below which every
 *       endpoint is; endpoints removed. Replaced by write-temporary, sync, rename, sync-folder.</li>
 *   <li>{@code store.lock}: held while a process has the store open.</li>
 * </ul>
 * The per-endpoint queues are not stored: they are the log positions at or above the endpoint's cursor whose record
 * names the endpoint, rebuilt by scanning the log at open.
 *
 * <h2>Why it cannot lose an acknowledged message</h2>
 * <ol>
 *   <li>An append completes only after the batch holding it was written and {@code fdatasync}ed (with the folder
 *       synced first when the batch started a segment), so an acknowledged record and every byte before it in the
 *       log survive a crash of the process or the guest.</li>
 *   <li>At open, a record that is cut short, fails its CRC32C or announces an impossible length, with nothing
 *       readable after it, ends the last segment, which is truncated there. Such a record was not synced (a later
 *       sync would have covered it), so it was never acknowledged. Older segments were synced before the next one
 *       was created, so only the last can end torn. A bad record followed by a good one was damaged on the disk
 *       after its sync, which no crash does: it is skipped and logged, and only it is lost.</li>
 *   <li>An endpoint's cursor is the lowest position it has not finished (handed out but unacknowledged counts as
 *       unfinished), or the end of what had been synced when nothing is outstanding, whichever is lower: a saved
 *       cursor never passes the synced end of the log. New records land above every saved cursor. So everything
 *       below a saved cursor was acknowledged or expired, and is durable. Saved cursors only lag, never lead: at
 *       worst some acknowledged messages are delivered again (at-least-once), never skipped.</li>
 *   <li>A batch is indexed into its endpoints' queues once it is written (in the page cache), before its
 *       {@code fdatasync}, so a consumer gets a message within a write rather than a sync; its appender hears only
 *       after the sync. The writer does not wait for a running sync either: a second thread syncs, each sync
 *       covering every batch written before it started. If the process or guest dies between write and sync, the
 *       publisher never got its acknowledgement and sends again: a consumer may see that message twice, which
 *       at-least-once allows, and none is lost. A
 *       consumer's acknowledgement of a message not yet synced changes only the queue in memory; it reaches the
 *       disk with a saved cursor, which by 3 stays at or below the synced end, so no saved state refers to a
 *       record a crash could take away. Order per endpoint is the log's order, as the single writer indexes it.
 *       Should the sync fail, the store refuses everything from then on, the batch's appenders get the failure,
 *       and its messages, already handed out, may have been delivered: a publisher that sends again duplicates
 *       them, as after a crash.</li>
 *   <li>Segments are deleted only below {@code start} as saved, after the save: a crash between the two leaves
 *       spent segments, which the next open deletes.</li>
 * </ol>
 *
 * <h2>Why a log of its own</h2>
 * The work is an append-only log with a few cursors and deletion from the front, durable per batch. The embedded
 * stores a Java engineer would weigh do not fit that well: RocksDB and SQLite bring native libraries (tens of MiB,
 * per platform) into a guest that ships a lean JRE, and turn each delivery into a delete that compaction or vacuum
 * must clean up; H2 MVStore syncs per commit with no grouping across threads; Chronicle Queue does not sync per
 * append and needs JDK internals opened; Tape keeps one queue with a sync per operation. The log here is a few
 * hundred lines over {@code FileChannel}, whose every durability step is visible and tested.
 */
package io.eflow.edge.hub.store;
