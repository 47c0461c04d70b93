package org.deferprobe.engine;

import java.util.Objects;

/**
 * How to build an engine.
 *
 * @param executorThreads threads of the engine's executor, which runs async probes, delayed publications
 *                        and deferred work; sleeping probes need many (the kernel's async domain is unbounded)
 * @param probeHook       called inside every simulated probe; {@link ProbeHook#NONE} outside tests
 * @param lockObserver    told of every lock the engine takes and releases; {@link LockObserver#NONE} unless a
 *                        soak validates lock order
 */
public record EngineConfig(int executorThreads, ProbeHook probeHook, LockObserver lockObserver) {
    public static final int DEFAULT_EXECUTOR_THREADS = 64;

    public EngineConfig {
        if (executorThreads < 1) {
            throw new IllegalArgumentException("executorThreads=" + executorThreads + " must be at least 1");
        }
        Objects.requireNonNull(probeHook, "probeHook");
        Objects.requireNonNull(lockObserver, "lockObserver");
    }

    /** Without a lock observer. */
    public EngineConfig(int executorThreads, ProbeHook probeHook) {
        this(executorThreads, probeHook, LockObserver.NONE);
    }

    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_EXECUTOR_THREADS, ProbeHook.NONE);
    }

    public EngineConfig withProbeHook(ProbeHook hook) {
        return new EngineConfig(executorThreads, hook, lockObserver);
    }

    public EngineConfig withExecutorThreads(int threads) {
        return new EngineConfig(threads, probeHook, lockObserver);
    }

    public EngineConfig withLockObserver(LockObserver observer) {
        return new EngineConfig(executorThreads, probeHook, observer);
    }
}
