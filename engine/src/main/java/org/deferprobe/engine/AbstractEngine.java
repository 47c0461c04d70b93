package org.deferprobe.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver core written once: registration, matching, attach, bind, unbind, removal, async attaches and
 * delayed publications, following drivers/base/dd.c. Engines differ only in their synchronization, which
 * they supply through the hooks below: which lock guards a device, how a deferral is recorded, what a
 * trigger does, and whether publishing a resource triggers.
 *
 * Implementation notes.
 * Lock discipline for every engine built on this class: a probe runs with its device's guard held
 * ({@link #lockDevice}) and with its driver entered (M10 handshake, see {@link Driver}). The device's guard
 * is taken before any deferred-list lock, never after. Registration calls made by a probe (M11) run on the
 * probing thread with that guard held; in the kernel-style engines the new driver's bus walk
 * ({@link #attachRegisteredDriver}) takes other devices' guards right there, and a device that is already
 * probing on this thread is skipped rather than re-entered; the lock-free engines postpone that walk until
 * the thread holds no device guard.
 * Mapping to dd.c: {@link #deviceAttach} is __device_attach, {@link #asyncDeviceAttach}
 * __device_attach_async_helper, {@link #driverAttach} driver_attach/__driver_attach,
 * {@link #asyncDriverAttach} __driver_attach_async_helper, {@link #probeWith} driver_probe_device and
 * really_probe, {@link #bind} driver_bound, {@link #unbind} __device_release_driver, {@link #afterDefer}
 * the trigger-count recheck of driver_deferred_probe_add_trigger (M8).
 */
abstract class AbstractEngine implements Engine {
    private static final int MAX_REPORTED = 1_000;

    private final String name;
    final EngineConfig config;
    /** Told of every lock the subclass's hooks take ({@link LockObserver#NONE} unless a soak validates order). */
    final LockObserver locks;
    final Registry registry = new Registry();
    final Resources resources = new Resources();
    final Counters counters = new Counters();
    final WorkTracker work = new WorkTracker();
    /** deferred_trigger_count: incremented by every trigger, read by probes for the M8 recheck. */
    final AtomicLong triggerCount = new AtomicLong();
    final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor timer;
    /** fw_devlink's device links (suppliers gate probes, supplier unbinds take consumers down). */
    final DeviceLinks links;
    /** late_initcall and the deferred_probe_timeout. */
    final BootPhases boot;
    /** Told of what the driver core does. */
    final EngineEvents events;
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reported = new AtomicInteger();
    private volatile boolean closed;

    AbstractEngine(String name, EngineConfig config) {
        this(name, config, newExecutor(name, config));
    }

    /**
     * With a given executor: tests and jcstress pass one that runs tasks where and when they choose, so a
     * race between an async attach or a deferred pass and another call can be forced.
     */
    AbstractEngine(String name, EngineConfig config, ThreadPoolExecutor executor) {
        this.name = name;
        this.config = config;
        this.executor = executor;
        this.locks = config.lockObserver();
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-timer-"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.links = new DeviceLinks(config.fwDevlink());
        this.events = config.events();
        this.boot = new BootPhases(this, config.bootPhases());
    }

    // ---------------------------------------------------------------- synchronization hooks

    /** Takes the device's guard (device_lock). Reentrant for the holding thread. */
    abstract void lockDevice(Device d);

    abstract void unlockDevice(Device d);

    /** Brackets every entry point and every executor task; the global-lock engine takes its lock here. */
    void beginOperation() {
    }

    void endOperation() {
    }

    /** Records a deferral (M5): the device goes on the pending list unless it is on a list. Device guard held. */
    abstract void deferredAdd(Device d);

    /** Takes the device off the deferred lists. Device guard held. */
    abstract void deferredDel(Device d);

    /**
     * A trigger (M6): counts it, increments {@link #triggerCount}, makes every pending device due, queues work;
     * nothing at all while deferred probing is disabled ({@link #deferredProbingEnabled()}).
     */
    abstract void triggerInternal();

    /**
     * driver_deferred_probe_trigger as late_initcall and the timeout call it: every deferred device is retried.
     * The indexed engine also wakes the devices parked on resources (its explicit trigger).
     */
    void triggerEverything() {
        triggerInternal();
    }

    /** flush_work(&deferred_probe_work): waits until a pass that covers every trigger made so far has ended. */
    abstract void flushDeferredWork() throws InterruptedException;

    /** False until late_initcall when the engine was made with boot phases: triggers do nothing meanwhile. */
    final boolean deferredProbingEnabled() {
        return boot.deferredProbingEnabled();
    }

    /** M6 in this project's engines: publishing a resource triggers. The kernel engine says no (B2). */
    boolean publicationTriggers() {
        return true;
    }

    /** Called with the device's guard held right after resources of its binding were published. */
    void onPublished(Device d, List<String> names) {
    }

    /** Called with the device's guard held right after resources of its binding were withdrawn (it unbinds). */
    void onWithdrawn(Device d, List<String> names) {
    }

    /**
     * device_links_unbind_consumers for one consumer, with its supplier's guard held: unbind it and put it back on
     * the deferred list, waiting for the supplier (whose next bind triggers its retry: DL_FLAG_AUTOPROBE_CONSUMER).
     * The kernel-style engines take the consumer's lock inside the supplier's: a departure, since the kernel drops
     * the supplier's lock around device_links_unbind_consumers and re-checks dev->driver after taking it again
     * (__device_release_driver's device_links_busy loop); the lock-free
     * engines postpone it until the thread holds no device guard, so the supplier may be bound again by then: the
     * consumer's binding is valid again and stays. Taking the consumer's guard waits for a probe of it that
     * passed the supplier check before the withdrawal (DL_STATE_CONSUMER_PROBE); the deferral then has M8's
     * recheck, as a bind of the supplier may come between the check and the offer.
     */
    void unbindConsumer(Device consumer, Device supplier) {
        String key = DeviceLinks.key(supplier.name);
        long triggersBefore = triggerCount.get();
        lockDevice(consumer);
        try {
            if (consumer.driver != null && !consumer.dead && !resources.isPublished(key)) {
                unbind(consumer);
                consumer.waitingFor = key;
                consumer.state = DeviceState.DEFERRED;
                deferredAdd(consumer);
                afterDefer(consumer, triggersBefore);
            }
        } finally {
            unlockDevice(consumer);
        }
    }

    /**
     * A driver was registered: walk the bus for it (M3). The kernel-style engines walk here and now, on the
     * registering thread, whatever it holds (a probe's own device lock included: seed 004); an engine may
     * postpone the walk until the registering thread holds no device guard (M11), counting it as
     * outstanding work (M13) meanwhile.
     */
    void attachRegisteredDriver(Driver drv) {
        driverAttach(drv);
    }

    /**
     * bus_add_driver: the driver joins the registry and the bus's driver list (the match index), then its bus is
     * walked (M3); null if its name is taken. Only the deliberately broken racy-2012 engine walks first.
     */
    Driver addAndWalk(DriverSpec spec) {
        Driver drv = registry.addDriver(spec);
        if (drv != null) {
            events.driverRegistered(drv.name);
            attachRegisteredDriver(drv);
        }
        return drv;
    }

    /**
     * A device was registered: attach it (M2), here and now in the kernel-style engines, whatever the registering
     * thread holds (a probe's own device lock included: M16, device_add's synchronous attach); an engine may
     * postpone the attach until the registering thread holds no device guard, counting it as work meanwhile.
     */
    void attachRegisteredDevice(Device d) {
        deviceAttach(d);
    }

    /**
     * A device left the registry: under its guard, fence it (M9), take it off the deferred lists and unbind it
     * (with the devices its probe registered, M16). At once in the kernel-style engines (a parent's error path
     * or unbind takes its children's locks inside its own, as of_platform_depopulate does); an engine may
     * postpone it until the thread holds no device guard. With {@code releaseName}, the device's name is freed
     * once it is detached (device_del's kobject_del after bus_remove_device): an unregistration by name.
     */
    void detachRemovedDevice(Device d, boolean releaseName) {
        lockDevice(d);
        try {
            markDead(d);
            deferredDel(d);
            unbind(d);
            d.state = DeviceState.DEAD;
        } finally {
            unlockDevice(d);
            if (releaseName) {
                registry.releaseDeviceName(d);
            }
        }
    }

    /** M9 fence, with the device's guard held: every attach rechecks {@code dead} under the guard. */
    void markDead(Device d) {
        d.dead = true;
    }

    /**
     * The M9 fence as the attach paths see it, with the device's guard held: true if the device was
     * unregistered and must not be probed. Only the deliberately broken remove-race engine (B3) says otherwise.
     */
    boolean attachSeesDead(Device d) {
        return d.dead;
    }

    /** How many deferred devices wait on each resource, for engines that park per resource. */
    Map<String, Integer> parkedCounts() {
        return Map.of();
    }

    // ---------------------------------------------------------------- public API

    @Override
    public final String name() {
        return name;
    }

    @Override
    public void registerDevice(DeviceSpec spec) {
        ensureOpen();
        beginOperation();
        try {
            attachRegisteredDevice(addDevice(spec));
        } finally {
            endOperation();
        }
    }

    /** Into the registry (and its links) before its first attach. */
    private Device addDevice(DeviceSpec spec) {
        Device d = registry.addDevice(spec);
        links.added(d);
        events.deviceRegistered(d.name);
        return d;
    }

    @Override
    public boolean unregisterDevice(String deviceName) {
        beginOperation();
        try {
            Device d = registry.claimDeviceRemoval(deviceName);
            if (d == null) {
                return false; // none, or a concurrent unregistration of the same device claimed it
            }
            removed(d);
            detachRemovedDevice(d, true); // its name stays taken until then: a same-name registration is refused
            return true;
        } finally {
            endOperation();
        }
    }

    private void removed(Device d) {
        links.removed(d);
        events.deviceUnregistered(d.name);
    }

    @Override
    public boolean registerDriver(DriverSpec spec) {
        ensureOpen();
        beginOperation();
        try {
            if (addAndWalk(spec) == null) {
                return false;
            }
            boot.driverRegistered(); // deferred_probe_extend_timeout
            return true;
        } finally {
            endOperation();
        }
    }

    @Override
    public boolean unregisterDriver(String driverName) {
        beginOperation();
        try {
            Driver drv = registry.driver(driverName);
            if (drv == null || !registry.claimDriverRemoval(drv)) {
                return false; // none, or a concurrent unregistration of the same driver claimed it
            }
            // bus_remove_driver: off the match index first (claimDriverRemoval), then driver_detach, and the
            // name released last. Until then registerDriver of the same name returns false (-EBUSY): a new
            // instance registered earlier would walk past devices still bound to this one, which this
            // unregistration then unbinds, and nothing would ever probe them again (M3).
            drv.awaitNoProbes();
            drv.removed = true;
            for (Device d : new ArrayList<>(drv.boundDevices)) {
                lockDevice(d);
                try {
                    if (d.driver == drv) {
                        unbind(d);
                    }
                } finally {
                    unlockDevice(d);
                }
            }
            registry.releaseDriverName(drv);
            events.driverUnregistered(drv.name);
            return true;
        } finally {
            endOperation();
        }
    }

    @Override
    public void trigger() {
        ensureOpen();
        triggerInternal();
    }

    @Override
    public void lateInitcall(Duration deferredProbeTimeout) throws InterruptedException {
        ensureOpen();
        if (deferredProbeTimeout.isNegative()) {
            throw new IllegalArgumentException("deferredProbeTimeout=" + deferredProbeTimeout + " must not be negative");
        }
        boot.lateInitcall(deferredProbeTimeout);
    }

    /** fw_devlink_drivers_done: links of deferred consumers to suppliers no registered driver matches stop gating. */
    final void relaxLinksToSuppliersWithoutDriver() {
        if (links.mode() != FwDevlink.ON) {
            return;
        }
        for (Device c : registry.devices()) {
            if (c.state != DeviceState.DEFERRED) {
                continue;
            }
            for (String s : c.spec.suppliers()) {
                Device supplier = registry.device(s);
                if (supplier == null || registry.matchingDrivers(supplier).isEmpty()) {
                    links.relax(c.name, s);
                }
            }
        }
    }

    @Override
    public boolean awaitQuiescence(Duration timeout) throws InterruptedException {
        return work.await(timeout);
    }

    @Override
    public boolean awaitDeviceProbe(Duration timeout) throws InterruptedException {
        return work.await(timeout, boot::pendingTimeoutWork);
    }

    @Override
    public Snapshot snapshot() {
        Map<String, DeviceState> states = new TreeMap<>();
        Map<String, String> deferred = new TreeMap<>();
        Map<String, String> boundTo = new TreeMap<>();
        for (Device d : registry.devices()) {
            DeviceState s = d.state;
            states.put(d.name, s);
            if (s == DeviceState.DEFERRED) {
                deferred.put(d.name, DeviceLinks.reason(d.waitingFor));
            }
            Driver drv = d.driver;
            if (s == DeviceState.BOUND && drv != null) {
                boundTo.put(d.name, drv.name);
            }
        }
        return new Snapshot(Collections.unmodifiableMap(states), Collections.unmodifiableMap(deferred),
                Collections.unmodifiableMap(boundTo), parkedCounts(), counters.read(), List.copyOf(violations),
                List.copyOf(errors), registry.registeredDriverNames(), List.copyOf(registry.audit()), boot.pending());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- the driver core

    /** __device_attach(dev, allow_async): sync drivers here, async ones scheduled (M2). */
    void deviceAttach(Device d) {
        lockDevice(d);
        try {
            if (attachSeesDead(d) || d.driver != null) {
                return;
            }
            if (tryDrivers(d, false)) {
                return;
            }
            if (hasMatching(d, true)) {
                runTracked(() -> asyncDeviceAttach(d));
            } else {
                settleUnprobed(d);
            }
        } finally {
            unlockDevice(d);
        }
    }

    /** __device_attach_async_helper: the async drivers, unless the device died or got bound meanwhile (M9). */
    void asyncDeviceAttach(Device d) {
        beginOperation();
        lockDevice(d);
        try {
            if (attachSeesDead(d) || d.driver != null) {
                return;
            }
            if (!tryDrivers(d, true)) {
                settleUnprobed(d);
            }
        } finally {
            unlockDevice(d);
            endOperation();
        }
    }

    /** Tries the matching drivers of one probe type in order; true once one bound or deferred the device. */
    private boolean tryDrivers(Device d, boolean async) {
        for (Driver drv : registry.matchingDrivers(d)) {
            if (drv.async == async) {
                ProbeOutcome o = probeWith(d, drv);
                if (o == ProbeOutcome.BOUND || o == ProbeOutcome.DEFERRED) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean hasMatching(Device d, boolean async) {
        for (Driver drv : registry.matchingDrivers(d)) {
            if (drv.async == async) {
                return true;
            }
        }
        return false;
    }

    /** An attach found no driver to probe with: a device a pass took off the list is no longer deferred. */
    private static void settleUnprobed(Device d) {
        if (d.state == DeviceState.DEFERRED) {
            d.state = DeviceState.UNBOUND;
        }
    }

    /** driver_attach: every live, unbound matching device (M3); async drivers schedule and return. */
    void driverAttach(Driver drv) {
        for (Device d : registry.matchingDevices(drv)) {
            if (d.dead || d.driver != null) {
                continue; // racy pre-check, as __driver_attach; rechecked under the device's guard
            }
            attachLocked(d, drv);
        }
    }

    /** __driver_attach's body for one matching device: under its guard, probe now or schedule the async attach. */
    final void attachLocked(Device d, Driver drv) {
        lockDevice(d);
        try {
            if (!drv.async) {
                probeWith(d, drv);
            } else if (!d.dead && d.driver == null && (d.asyncDriver == null || !d.asyncDriver.registered)) {
                // an attach scheduled for an unloaded driver will be refused (M10): schedule ours anyway
                d.asyncDriver = drv;
                runTracked(() -> asyncDriverAttach(d, drv));
            }
        } finally {
            unlockDevice(d);
        }
    }

    /** __driver_attach_async_helper. */
    void asyncDriverAttach(Device d, Driver drv) {
        beginOperation();
        lockDevice(d);
        try {
            if (d.asyncDriver == drv) {
                d.asyncDriver = null;
            }
            probeWith(d, drv); // rechecks dead and bound (M9)
        } finally {
            unlockDevice(d);
            endOperation();
        }
    }

    /**
     * driver_probe_device + really_probe, with the device's guard held: runs the probe unless the device is
     * dead, bound or already probing on this thread (a probe's own registrations reaching back to it), or
     * the driver is gone (M10); then binds, defers with the M8 recheck, or fails.
     */
    ProbeOutcome probeWith(Device d, Driver drv) {
        if (attachSeesDead(d) || d.driver != null || d.state == DeviceState.PROBING) {
            return ProbeOutcome.NOT_CALLED;
        }
        if (!drv.enterProbe()) {
            return ProbeOutcome.NOT_CALLED;
        }
        work.begin();
        try {
            long triggersBefore = triggerCount.get(); // local_trigger_count
            String supplier = links.blockingSupplier(d, resources); // really_probe: device_links_check_suppliers
            if (supplier != null) {
                counters.supplierDeferrals.increment(); // no probe called
                d.waitingFor = DeviceLinks.key(supplier);
                d.state = DeviceState.DEFERRED;
                events.supplierDeferred(d.name, drv.name, supplier);
                deferredAdd(d);
                afterDefer(d, triggersBefore); // driver_probe_device's recheck covers it too
                return ProbeOutcome.DEFERRED;
            }
            d.state = DeviceState.PROBING;
            events.probeStarted(d.name, drv.name);
            ProbeOutcome o = SimulatedProbe.run(this, d, drv);
            events.probeEnded(d.name, drv.name, o == ProbeOutcome.BOUND ? EngineEvents.Outcome.BOUND
                    : o == ProbeOutcome.DEFERRED ? EngineEvents.Outcome.DEFERRED : EngineEvents.Outcome.FAILED,
                    o == ProbeOutcome.DEFERRED ? DeviceLinks.reason(d.waitingFor) : null);
            switch (o) {
                case BOUND -> bind(d, drv);
                case DEFERRED -> {
                    removeChildren(d); // the probe's error path (M16)
                    counters.deferrals.increment();
                    d.state = DeviceState.DEFERRED;
                    deferredAdd(d);
                    afterDefer(d, triggersBefore);
                }
                case FAILED -> {
                    removeChildren(d);
                    counters.failures.increment();
                    d.state = DeviceState.FAILED;
                }
                default -> throw new IllegalStateException("bad probe outcome " + o);
            }
            return o;
        } finally {
            drv.exitProbe();
            work.end();
        }
    }

    /** M8: a trigger that happened while the probe ran must not be lost. */
    void afterDefer(Device d, long triggersBefore) {
        if (triggerCount.get() != triggersBefore) {
            triggerInternal();
        }
    }

    /** driver_bound, with the device's guard held: bind, leave the deferred lists, publish (M15), trigger (M6). */
    void bind(Device d, Driver drv) {
        d.driver = drv;
        d.bindGeneration++;
        d.waitingFor = null;
        d.state = DeviceState.BOUND;
        drv.boundDevices.add(d);
        counters.binds.increment();
        deferredDel(d);
        events.bound(d.name, drv.name);
        long delay = drv.spec.publishDelayMicros();
        if (delay == 0) {
            publish(d); // registered by its probe (clk_hw_register, regulator_register ...), before driver_bound
        } else {
            long generation = d.bindGeneration;
            runTrackedLater(() -> publishLater(d, generation), delay);
        }
        if (links.mode() == FwDevlink.ON) { // driver_bound's device_links_driver_bound: its consumers' links hold
            List<String> key = List.of(DeviceLinks.key(d.name));
            resources.publish(key);
            onPublished(d, key);
        }
        triggerInternal();
    }

    private void publish(Device d) {
        resources.publish(d.spec.provides());
        d.published = true;
        onPublished(d, d.spec.provides());
        events.published(d.name, d.spec.provides());
    }

    /** A delayed publication (seeds 001/002): only for the binding that scheduled it. */
    private void publishLater(Device d, long generation) {
        boolean publishedNow = false;
        beginOperation();
        lockDevice(d);
        try {
            if (!d.dead && d.driver != null && d.bindGeneration == generation && !d.published) {
                publish(d);
                publishedNow = true;
            }
        } finally {
            unlockDevice(d);
            endOperation();
        }
        if (publishedNow && publicationTriggers()) {
            triggerInternal();
        }
    }

    /**
     * M16, with the parent's guard held (its probe runs): registers a device as the probe's own (device_add from
     * probe), attached at once (or, in the lock-free engines, once the thread holds no device guard).
     *
     * @throws IllegalStateException if a live device has that name (the probe then fails)
     */
    final void registerChildDevice(Device parent, DeviceSpec spec) {
        Device child = addDevice(spec);
        child.parent = parent;
        parent.children.add(child);
        attachRegisteredDevice(child);
    }

    /**
     * M16, with the parent's guard held: unregisters the devices the parent's probe registered, newest first
     * (its error path after a deferral or a failure, or its remove when it unbinds: of_platform_depopulate).
     * Only those still registered as its own: one removed by name meanwhile is already detached.
     */
    final void removeChildren(Device parent) {
        List<Device> children = parent.children;
        for (int i = children.size() - 1; i >= 0; i--) {
            Device c = children.get(i);
            if (registry.claimDeviceRemoval(c)) {
                // under the parent's guard, which a same-name registration (the parent's next probe) needs:
                // the name is free at once, and only the detach may wait (lock-free engines: LockFreeCore)
                registry.releaseDeviceName(c);
                removed(c);
                detachRemovedDevice(c, false);
            }
        }
        children.clear();
    }

    /** __device_release_driver, with the device's guard held: remove the devices its probe registered, withdraw its resources and unbind. */
    void unbind(Device d) {
        Driver drv = d.driver;
        if (drv == null) {
            return;
        }
        if (links.mode() == FwDevlink.ON) { // consumers first (device_links_unbind_consumers); none binds anew
            List<String> key = List.of(DeviceLinks.key(d.name));
            resources.withdraw(key);
            onWithdrawn(d, key);
            for (Device c : links.gatedConsumers(d)) { // each under its guard: bound or probing past the check
                unbindConsumer(c, d);
            }
        }
        removeChildren(d);
        if (d.published) {
            resources.withdraw(d.spec.provides());
            d.published = false;
            onWithdrawn(d, d.spec.provides());
        }
        drv.boundDevices.remove(d);
        d.driver = null;
        d.state = DeviceState.UNBOUND;
        events.unbound(d.name);
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs a task on the executor, counted as outstanding work until it ends (M13). */
    final void runTracked(Runnable task) {
        work.begin();
        try {
            executor.execute(tracked(task));
        } catch (RejectedExecutionException e) {
            work.end(); // closed: the work is dropped
        }
    }

    /** Runs a task on the executor after a delay, counted as outstanding from now until it ends. */
    final void runTrackedLater(Runnable task, long delayMicros) {
        work.begin();
        try {
            timer.schedule(() -> {
                try {
                    executor.execute(tracked(task));
                } catch (RejectedExecutionException e) {
                    work.end();
                }
            }, delayMicros, TimeUnit.MICROSECONDS);
        } catch (RejectedExecutionException e) {
            work.end();
        }
    }

    private Runnable tracked(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                violation("engine-error", "executor task threw " + t);
            } finally {
                work.end();
            }
        };
    }

    final void violation(String check, String detail) {
        if (reported.incrementAndGet() <= MAX_REPORTED) {
            violations.add(check + ": " + detail);
        }
    }

    final void error(String detail) {
        if (reported.incrementAndGet() <= MAX_REPORTED) {
            errors.add(detail);
        }
    }

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("engine " + name + " is closed");
        }
    }

    final boolean isClosed() {
        return closed;
    }

    final ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    private static ThreadPoolExecutor newExecutor(String name, EngineConfig config) {
        int threads = config.executorThreads();
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads(name + "-worker-"));
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
