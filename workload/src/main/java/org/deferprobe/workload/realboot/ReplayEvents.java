package org.deferprobe.workload.realboot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.deferprobe.engine.EngineEvents;

/**
 * What an engine did to each device during a replay, told by {@link EngineEvents}: every probe attempt with its
 * outcome (a deferral on a supplier before the probe included, as dd.c's "matched device" line comes before
 * device_links_check_suppliers), the driver each device ends bound to, and the times a replay reports: the first
 * registration, the last bind, and when the deferred_probe_timeout fired.
 *
 * <p>Called on the engine's threads with its locks held: every method is a quick map update. Read once the run
 * is quiescent.
 */
public final class ReplayEvents implements EngineEvents {
    /** What one attempt came to. */
    public enum Kind { BOUND, DEFERRED, FAILED, SUPPLIER_NOT_BOUND }

    /**
     * One attempt of a device by a driver.
     *
     * @param detail the deferral's reason ("waiting for X", "wait for supplier X"), or null
     */
    public record Attempt(String driver, Kind kind, String detail) {
    }

    private final Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();
    private final Map<String, String> boundTo = new ConcurrentHashMap<>();
    private final AtomicLong start = new AtomicLong();
    private final AtomicLong lastBind = new AtomicLong();
    private final AtomicLong timeoutFired = new AtomicLong();
    private final AtomicInteger drivers = new AtomicInteger();
    private volatile int driversWhenTimeoutFired = -1;

    private void started() {
        start.compareAndSet(0, System.nanoTime());
    }

    private void add(String device, Attempt a) {
        attempts.computeIfAbsent(device, k -> Collections.synchronizedList(new ArrayList<>())).add(a);
    }

    @Override
    public void deviceRegistered(String device) {
        started();
    }

    @Override
    public void driverRegistered(String driver) {
        started();
        drivers.incrementAndGet();
    }

    @Override
    public void probeEnded(String device, String driver, Outcome outcome, String reason) {
        add(device, new Attempt(driver, switch (outcome) {
            case BOUND -> Kind.BOUND;
            case DEFERRED -> Kind.DEFERRED;
            case FAILED -> Kind.FAILED;
        }, reason));
    }

    @Override
    public void supplierDeferred(String device, String driver, String supplier) {
        add(device, new Attempt(driver, Kind.SUPPLIER_NOT_BOUND, "wait for supplier " + supplier));
    }

    @Override
    public void bound(String device, String driver) {
        boundTo.put(device, driver);
        lastBind.set(System.nanoTime());
    }

    @Override
    public void unbound(String device) {
        boundTo.remove(device);
    }

    @Override
    public void deferredProbeTimeout() {
        timeoutFired.compareAndSet(0, System.nanoTime());
        driversWhenTimeoutFired = drivers.get();
    }

    /** The attempts of a device, in order (empty if none). */
    public List<Attempt> attempts(String device) {
        List<Attempt> l = attempts.get(device);
        if (l == null) {
            return List.of();
        }
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    /** The driver a device is bound to at the end, or null. */
    public String boundTo(String device) {
        return boundTo.get(device);
    }

    /** From the first registration to the last bind, in microseconds; 0 if nothing bound. */
    public long makespanMicros() {
        long s = start.get();
        long b = lastBind.get();
        return s == 0 || b == 0 ? 0 : Math.max(0, (b - s) / 1_000);
    }

    /** Drivers registered when the deferred_probe_timeout fired, or -1 if it did not fire. */
    public int driversWhenTimeoutFired() {
        return driversWhenTimeoutFired;
    }
}
