package org.deferprobe.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** An executor that never starts a thread: tasks wait until a test runs them, on the test's thread. */
final class ManualExecutor extends ThreadPoolExecutor {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    ManualExecutor() {
        super(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    public void execute(Runnable task) {
        if (isShutdown()) {
            throw new RejectedExecutionException("manual executor is shut down");
        }
        tasks.add(task);
    }

    int queued() {
        return tasks.size();
    }

    boolean runOne() {
        Runnable r = tasks.poll();
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    int runAll() {
        int n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }
}
