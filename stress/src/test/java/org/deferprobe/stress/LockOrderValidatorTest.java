package org.deferprobe.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.deferprobe.engine.LockObserver;
import org.junit.jupiter.api.Test;

/** The lockdep-style validator: inversions are reported once with both orders, even without a deadlock. */
class LockOrderValidatorTest {
    static void onThread(String name, Runnable r) throws InterruptedException {
        Thread t = new Thread(r, name);
        t.start();
        t.join();
    }

    @Test
    void anInversionIsReportedWithBothOrdersThoughNoDeadlockHappened() throws InterruptedException {
        LockOrderValidator v = new LockOrderValidator();
        Object dev = "dev-1";
        Object lists = "deferred_probe_mutex";
        onThread("first", () -> {
            v.acquired(LockObserver.DEVICE, dev);
            v.acquired(LockObserver.DEFERRED_LISTS, lists);
            v.released(LockObserver.DEFERRED_LISTS, lists);
            v.released(LockObserver.DEVICE, dev);
        });
        assertEquals(List.of(), v.drainInversions());
        onThread("second", () -> {
            v.acquired(LockObserver.DEFERRED_LISTS, lists);
            v.acquired(LockObserver.DEVICE, "dev-2");
            v.released(LockObserver.DEVICE, "dev-2");
            v.released(LockObserver.DEFERRED_LISTS, lists);
        });
        List<String> inv = v.drainInversions();
        assertEquals(1, inv.size(), inv.toString());
        String line = inv.get(0);
        assertTrue(line.contains("deferred-lists then device") && line.contains("device then deferred-lists"), line);
        assertTrue(line.contains("thread first") && line.contains("thread second"), line);
        onThread("third", () -> {
            v.acquired(LockObserver.DEFERRED_LISTS, lists);
            v.acquired(LockObserver.DEVICE, dev);
        });
        assertEquals(List.of(), v.drainInversions(), "each inverted pair is reported once");
    }

    @Test
    void nestingInOneClassAndReentrancyAreNotInversions() throws InterruptedException {
        LockOrderValidator v = new LockOrderValidator();
        ReentrantLock global = new ReentrantLock();
        onThread("nesting", () -> {
            v.acquired(LockObserver.DEVICE, "parent");
            v.acquired(LockObserver.DEVICE, "child"); // a probe registering a driver (M11)
            v.acquired(LockObserver.DEFERRED_LISTS, "lists");
            v.released(LockObserver.DEFERRED_LISTS, "lists");
            v.released(LockObserver.DEVICE, "child");
            v.released(LockObserver.DEVICE, "parent");
            v.acquired(LockObserver.GLOBAL, global);
            v.acquired(LockObserver.DEVICE, "x");
            v.acquired(LockObserver.GLOBAL, global); // reentrant: adds no device -> global order
            v.released(LockObserver.GLOBAL, global);
            v.released(LockObserver.DEVICE, "x");
            v.released(LockObserver.GLOBAL, global);
        });
        assertEquals(List.of(), v.drainInversions());
        assertEquals(List.of(), v.heldBy(Thread.currentThread().getId()));
    }

    @Test
    void theEnginesReportTheirLocks() throws InterruptedException {
        for (org.deferprobe.engine.EngineType type : org.deferprobe.engine.EngineType.real()) {
            LockOrderValidator v = new LockOrderValidator();
            try (org.deferprobe.engine.Engine e = type.create(
                    org.deferprobe.engine.EngineConfig.defaults().withLockObserver(v))) {
                e.registerDriver(org.deferprobe.engine.DriverSpec.of("consumer"));
                e.registerDevice(org.deferprobe.engine.DeviceSpec.of("consumer", "provider")); // defers
                e.registerDevice(org.deferprobe.engine.DeviceSpec.of("provider"));
                e.registerDriver(org.deferprobe.engine.DriverSpec.of("provider")); // binds, triggers, retries
                assertTrue(e.awaitQuiescence(java.time.Duration.ofSeconds(10)));
            }
            List<String> orders = v.orders();
            if (type == org.deferprobe.engine.EngineType.KERNEL) {
                assertEquals(List.of("device -> deferred-lists"), orders, "the kernel's documented lock order");
            } else if (type == org.deferprobe.engine.EngineType.GLOBAL_LOCK) {
                assertEquals(List.of(), orders, "one lock, one class: no order");
            }
            assertEquals(List.of(), v.drainInversions(), type.engineName());
        }
    }

    @Test
    void threadDumpsFindAnAbbaDeadlockAndNameTheLocks() throws InterruptedException {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        Thread t1 = new Thread(() -> { a.lock(); both.countDown(); awaitQuietly(both); b.lock(); }, "abba-1");
        Thread t2 = new Thread(() -> { b.lock(); both.countDown(); awaitQuietly(both); a.lock(); }, "abba-2");
        t1.setDaemon(true);
        t2.setDaemon(true);
        t1.start();
        t2.start();
        ThreadDumps.Deadlock d = null;
        for (int i = 0; i < 100 && d == null; i++) {
            Thread.sleep(50);
            d = ThreadDumps.find(id -> true, id -> List.of());
        }
        assertTrue(d != null && d.threads().containsAll(List.of("abba-1", "abba-2")), String.valueOf(d));
        assertTrue(d.dump().contains("waits for java.util.concurrent.locks.ReentrantLock"), d.dump());
        assertTrue(d.dump().contains("held by \"abba-"), d.dump());
        java.util.Set<Long> now = ThreadDumps.liveThreadIds();
        assertEquals(null, ThreadDumps.find(id -> !now.contains(id), id -> List.of()),
                "a deadlock among threads that are not the watched round's is ignored");
    }

    static void awaitQuietly(java.util.concurrent.CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
