package org.deferprobe.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The engine's executor in a jcstress test: it never starts a thread. Scheduled work (async attaches,
 * deferred passes) waits until an actor or the arbiter runs it, so "the worker" is whichever actor the test
 * says, racing the other actor, and the arbiter finishes whatever is left (quiescence, M13).
 */
final class ActorExecutor extends ThreadPoolExecutor {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    ActorExecutor() {
        super(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    public void execute(Runnable task) {
        if (isShutdown()) {
            throw new RejectedExecutionException("actor executor is shut down");
        }
        tasks.add(task);
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

    /** Runs waiting tasks, and those they schedule, until none is left. */
    void runAll() {
        while (runOne()) {
            // keep going: a task may schedule another
        }
    }
}
