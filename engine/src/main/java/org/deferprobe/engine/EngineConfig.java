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
 * @param fwDevlink       what devices' suppliers do ({@link FwDevlink#ON}, the kernel's default, unless set)
 * @param bootPhases      if true the engine starts with deferred probing disabled, as the kernel boots: deferrals
 *                        are recorded, triggers do nothing, until {@link Engine#lateInitcall}
 * @param events          told of what the driver core does ({@link EngineEvents#NONE} unless a trace, a timeline
 *                        or bind latency is recorded)
 */
public record EngineConfig(int executorThreads, ProbeHook probeHook, LockObserver lockObserver, FwDevlink fwDevlink,
                           boolean bootPhases, EngineEvents events) {
    public static final int DEFAULT_EXECUTOR_THREADS = 64;

    public EngineConfig {
        if (executorThreads < 1) {
            throw new IllegalArgumentException("executorThreads=" + executorThreads + " must be at least 1");
        }
        Objects.requireNonNull(probeHook, "probeHook");
        Objects.requireNonNull(lockObserver, "lockObserver");
        Objects.requireNonNull(fwDevlink, "fwDevlink");
        Objects.requireNonNull(events, "events");
    }

    /** fw_devlink on, no boot phases, no events. */
    public EngineConfig(int executorThreads, ProbeHook probeHook, LockObserver lockObserver) {
        this(executorThreads, probeHook, lockObserver, FwDevlink.ON, false, EngineEvents.NONE);
    }

    /** Without a lock observer. */
    public EngineConfig(int executorThreads, ProbeHook probeHook) {
        this(executorThreads, probeHook, LockObserver.NONE);
    }

    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_EXECUTOR_THREADS, ProbeHook.NONE);
    }

    public EngineConfig withProbeHook(ProbeHook hook) {
        return new EngineConfig(executorThreads, hook, lockObserver, fwDevlink, bootPhases, events);
    }

    public EngineConfig withExecutorThreads(int threads) {
        return new EngineConfig(threads, probeHook, lockObserver, fwDevlink, bootPhases, events);
    }

    public EngineConfig withLockObserver(LockObserver observer) {
        return new EngineConfig(executorThreads, probeHook, observer, fwDevlink, bootPhases, events);
    }

    public EngineConfig withFwDevlink(FwDevlink mode) {
        return new EngineConfig(executorThreads, probeHook, lockObserver, mode, bootPhases, events);
    }

    public EngineConfig withBootPhases(boolean phases) {
        return new EngineConfig(executorThreads, probeHook, lockObserver, fwDevlink, phases, events);
    }

    public EngineConfig withEvents(EngineEvents listener) {
        return new EngineConfig(executorThreads, probeHook, lockObserver, fwDevlink, bootPhases, listener);
    }
}
