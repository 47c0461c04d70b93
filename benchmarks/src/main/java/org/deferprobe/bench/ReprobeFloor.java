package org.deferprobe.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * DeferredThroughput's floor: the least a correct deferred pass must do, with no engine around it.
 *
 * <p>Per device, what any correct re-probe does: take the device's lock, check its requirements against the
 * published set (a concurrent set that is never empty, so every lookup hashes), then either mark it bound or
 * put it back on the pending list. Per pass, what every engine pays around it: the trigger hands the pass to
 * an executor thread (a ThreadPoolExecutor on a LinkedBlockingQueue, prestarted) and the caller waits for
 * quiescence on a monitor notified when the outstanding work reaches zero, as the engines' WorkTracker does.
 * Single-threaded: one worker runs the passes.
 *
 * <p>Thread confinement: {@link #pending} and the devices' {@code bound} are touched by the worker during a
 * pass and by the caller only at quiescence ({@link #rearm()}); the executor's queue and the quiescence
 * monitor give the happens-before edges both ways.
 */
final class ReprobeFloor implements AutoCloseable {
    /** A device: its lock, its requirements, whether it is bound (under its lock). */
    static final class Dev {
        final ReentrantLock lock = new ReentrantLock();
        final List<String> requires;
        boolean bound;

        Dev(List<String> requires) {
            this.requires = requires;
        }
    }

    private final Dev[] devices;
    private final ArrayDeque<Dev> pending;
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor worker;
    private final AtomicLong outstanding = new AtomicLong();
    private volatile int lastProbed;

    /** {@code count} devices, each requiring {@code resource}; 16 other resources published. */
    ReprobeFloor(int count, String resource) {
        devices = new Dev[count];
        pending = new ArrayDeque<>(count);
        List<String> requires = List.of(resource);
        for (int i = 0; i < count; i++) {
            devices[i] = new Dev(requires);
        }
        for (int i = 0; i < 16; i++) {
            published.add("other-" + i);
        }
        worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "floor-worker");
            t.setDaemon(true);
            return t;
        });
        worker.prestartAllCoreThreads();
        rearm();
    }

    /** Every device unbound and pending; call at quiescence. */
    void rearm() {
        pending.clear();
        for (Dev d : devices) {
            d.lock.lock();
            try {
                d.bound = false;
            } finally {
                d.lock.unlock();
            }
            pending.add(d);
        }
    }

    void publish(String resource) {
        published.add(resource);
    }

    void withdraw(String resource) {
        published.remove(resource);
    }

    /** Hands one pass over the pending devices to the worker. */
    void trigger() {
        outstanding.incrementAndGet();
        worker.execute(this::pass);
    }

    private void pass() {
        try {
            int n = pending.size();
            for (int k = 0; k < n; k++) {
                Dev d = pending.poll();
                d.lock.lock();
                try {
                    if (firstMissing(d) == null) {
                        d.bound = true;
                    } else {
                        pending.add(d);
                    }
                } finally {
                    d.lock.unlock();
                }
            }
            lastProbed = n;
        } finally {
            end();
        }
    }

    private String firstMissing(Dev d) {
        for (String r : d.requires) {
            if (!published.contains(r)) {
                return r;
            }
        }
        return null;
    }

    private void end() {
        if (outstanding.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** As the engines' quiescence wait: a monitor notified at zero outstanding work. */
    boolean awaitQuiescence(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (outstanding.get() != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 50)));
            }
        }
        return true;
    }

    /** Devices the last pass looked at. */
    int lastProbed() {
        return lastProbed;
    }

    /** Bound devices; call at quiescence. */
    int boundCount() {
        int n = 0;
        for (Dev d : devices) {
            d.lock.lock();
            try {
                n += d.bound ? 1 : 0;
            } finally {
                d.lock.unlock();
            }
        }
        return n;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
