package org.deferprobe.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An executor that never starts a thread: tasks wait until a test runs them, on the test's thread. The
 * forced-interleaving tests use it, and so do the jcstress tests (through the engine's test-jar), where
 * "the worker" is whichever actor runs the waiting tasks and the arbiter finishes what is left.
 */
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

    /** Runs one waiting task on the calling thread; false if none waits. */
    boolean runOne() {
        Runnable r = tasks.poll();
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    /** Runs waiting tasks, and those they schedule, until none is left; how many ran. */
    int runAll() {
        int n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }
}
