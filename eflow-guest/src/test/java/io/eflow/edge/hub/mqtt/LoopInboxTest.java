package io.eflow.edge.hub.mqtt;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LoopInboxTest {
    @Test
    void tasksRunOnTheLoopInTheOrderTheyWereHandedOverEvenPastOneDrain() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            LoopInbox inbox = new LoopInbox(loop);
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger offLoop = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            int count = 2000; // several drains' worth
            for (int i = 0; i < count; i++) {
                int id = i;
                inbox.execute(() -> {
                    if (!loop.inEventLoop()) {
                        offLoop.incrementAndGet();
                    }
                    ran.add(id);
                    if (id == count - 1) {
                        done.countDown();
                    }
                }, () -> { });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).hasSize(count).isSorted();
            assertThat(offLoop).hasValue(0);
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aFailingTaskDoesNotHoldUpTheOthers() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            LoopInbox inbox = new LoopInbox(loop);
            CountDownLatch done = new CountDownLatch(1);
            inbox.execute(() -> {
                throw new IllegalStateException("expected by the test");
            }, () -> { });
            inbox.execute(done::countDown, () -> { });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void onALoopThatShutDownTheTaskIsToldSoInstead() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        LoopInbox inbox = new LoopInbox(loop);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            inbox.execute(ran::incrementAndGet, refused::incrementAndGet);
        }
        assertThat(ran).hasValue(0);
        assertThat(refused).hasValue(3);
    }
}
