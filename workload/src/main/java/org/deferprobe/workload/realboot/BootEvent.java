package org.deferprobe.workload.realboot;

/**
 * One line of a kernel log that the parser recognized, as a typed, immutable event. Every event carries its
 * {@link Stamp}: the line number, the kernel's timestamp and the boot phase.
 *
 * <p>The wording each record is recognized by is quoted in its Javadoc, with the kernel function that prints
 * it. Where this says "6.1" the wording is the one printed by Debian's 6.1.0-47-armmp (6.1.170) in the
 * captured logs of workload/src/test/resources/realboot; the alternatives marked "older" or "newer" are from
 * the kernel's history as we know it, not from a captured log. Device, driver and bus names are exactly as
 * printed; node names (fw_devlink's {@code %pfwP}) are node names with unit address, not paths.
 */
public sealed interface BootEvent {
    /** Where and when an event was logged. */
    Stamp stamp();

    /**
     * The position of an event in its log.
     *
     * @param line   the 1-based line number in the file
     * @param micros the kernel's timestamp in microseconds, or -1 when the line has none
     * @param phase  the boot phase the line belongs to
     */
    record Stamp(int line, long micros, Phase phase) {
    }

    /** The phases of a boot as the log shows them. */
    enum Phase {
        /** Initcalls before dd.c's {@code deferred_probe_initcall} (a late_initcall) starts. */
        INITCALLS,
        /** From {@code deferred_probe_initcall} until the kernel runs userspace's init. */
        LATE_INITCALL,
        /** After "Run /init as init process": module loading by userspace. */
        USERSPACE
    }

    /**
     * initcall_debug (init/main.c, trace_initcall_start_cb): {@code calling  FN+0x0/0x1c @ PID}, with
     * {@code [MODULE]} after the symbol for a module's init. {@code module} is null for built-in code.
     */
    record InitcallStart(Stamp stamp, String function, String module) implements BootEvent {
    }

    /**
     * initcall_debug (trace_initcall_finish_cb): {@code initcall FN+0x0/0x1c [MODULE] returned R after N usecs}.
     */
    record InitcallReturn(Stamp stamp, String function, String module, int result, long usecs) implements BootEvent {
    }

    /** init/main.c, run_init_process: {@code Run /init as init process}; starts {@link Phase#USERSPACE}. */
    record InitStarted(Stamp stamp, String program) implements BootEvent {
    }

    /** core.c, device_add: {@code device: 'NAME': device_add} (every device, also class devices and links). */
    record DeviceAdded(Stamp stamp, String device) implements BootEvent {
    }

    /** core.c, device_unregister: {@code device: 'NAME': device_unregister}. */
    record DeviceRemoved(Stamp stamp, String device) implements BootEvent {
    }

    /**
     * dd.c, __driver_probe_device: {@code bus: 'BUS': __driver_probe_device: matched device DEV with driver DRV}
     * (6.1; older kernels print {@code driver_probe_device}). One probe attempt: really_probe follows.
     */
    record Matched(Stamp stamp, String bus, String device, String driver) implements BootEvent {
    }

    /**
     * dd.c, __device_attach_driver / __driver_attach: {@code BUS DEV: Device match requests probe deferral}: the
     * bus's match itself deferred (an AMBA device whose peripheral ID cannot be read yet); no probe is called.
     */
    record MatchDeferred(Stamp stamp, String bus, String device) implements BootEvent {
    }

    /** dd.c, really_probe: {@code bus: 'BUS': really_probe: probing driver DRV with device DEV}: the driver's probe is called. */
    record Probing(Stamp stamp, String bus, String driver, String device) implements BootEvent {
    }

    /**
     * dd.c, really_probe_debug (initcall_debug, printed at KERN_DEBUG without dynamic debug):
     * {@code probe of DEV returned R after N usecs}. In 6.1 R is 0 for a bind and also for a failed probe
     * (really_probe ignores probe errors so another driver can try), 517 (EPROBE_DEFER) when the driver
     * asked for deferral and -517 when a supplier link was not ready.
     */
    record ProbeReturned(Stamp stamp, String device, int result, long usecs) implements BootEvent {
    }

    /** dd.c, really_probe: {@code bus: 'BUS': really_probe: bound device DEV to driver DRV}. */
    record ProbeBound(Stamp stamp, String bus, String device, String driver) implements BootEvent {
    }

    /** dd.c, driver_bound: {@code driver: 'DRV': driver_bound: bound to device 'DEV'}. */
    record Bound(Stamp stamp, String driver, String device) implements BootEvent {
    }

    /** dd.c, call_driver_probe: {@code DRV DEV: Driver DRV requests probe deferral} (the probe returned -EPROBE_DEFER). */
    record DeferralRequested(Stamp stamp, String device, String driver) implements BootEvent {
    }

    /**
     * core.c, device_links_check_suppliers: {@code BUS DEV: error -EPROBE_DEFER: supplier SUP not ready} (6.1,
     * through dev_err_probe); older kernels: {@code probe deferral - supplier SUP not ready}. The driver's probe
     * is not called.
     */
    record SupplierNotReady(Stamp stamp, String device, String supplier) implements BootEvent {
    }

    /**
     * core.c, device_links_check_suppliers, fw_devlink's link to a supplier that has no device yet:
     * {@code BUS DEV: probe deferral - wait for supplier NODE} (not seen in the captured 6.1 logs).
     */
    record WaitForSupplier(Stamp stamp, String device, String supplierNode) implements BootEvent {
    }

    /** dd.c, driver_deferred_probe_add: {@code BUS DEV: Added to deferred list}. */
    record AddedToDeferredList(Stamp stamp, String device) implements BootEvent {
    }

    /** dd.c, driver_deferred_probe_del: {@code BUS DEV: Removed from deferred list}. */
    record RemovedFromDeferredList(Stamp stamp, String device) implements BootEvent {
    }

    /** dd.c, deferred_probe_work_func: {@code BUS DEV: Retrying from deferred list}. */
    record RetryingFromDeferredList(Stamp stamp, String device) implements BootEvent {
    }

    /**
     * dd.c, deferred_probe_timeout_work_func: {@code BUS DEV: deferred probe pending} (6.1); newer kernels add
     * {@code : REASON}, kept in {@code reason} (null when absent).
     */
    record DeferredProbePending(Stamp stamp, String device, String reason) implements BootEvent {
    }

    /** dd.c, deferred_probe_extend_timeout: {@code Extended deferred probe timeout by N secs}. */
    record DeferredTimeoutExtended(Stamp stamp, int seconds) implements BootEvent {
    }

    /** dd.c, driver_deferred_probe_check_state: {@code BUS DEV: deferred probe timeout, ignoring dependency}. */
    record DeferredTimeoutIgnored(Stamp stamp, String device) implements BootEvent {
    }

    /**
     * core.c, device_link_add: {@code BUS DEV: Linked as a consumer to SUP}, or with {@code syncStateOnly}
     * {@code Linked as a sync state only consumer to SUP}.
     */
    record Linked(Stamp stamp, String consumer, String supplier, boolean syncStateOnly) implements BootEvent {
    }

    /** core.c, __device_link_del: {@code BUS DEV: Dropping the link to SUP}. */
    record LinkDropped(Stamp stamp, String consumer, String supplier) implements BootEvent {
    }

    /** core.c, fwnode_link_add: {@code CONNODE Linked as a fwnode consumer to SUPNODE} (node names). */
    record FwnodeLinked(Stamp stamp, String consumerNode, String supplierNode) implements BootEvent {
    }

    /** core.c, __fwnode_link_del: {@code CONNODE Dropping the fwnode link to SUPNODE} (node names). */
    record FwnodeLinkDropped(Stamp stamp, String consumerNode, String supplierNode) implements BootEvent {
    }

    /** dd.c, call_driver_probe: {@code DRV: probe of DEV failed with error -N} (a hard failure). */
    record ProbeFailed(Stamp stamp, String driver, String device, int error) implements BootEvent {
    }

    /** dd.c, call_driver_probe: {@code DRV: probe of DEV rejects match -N} (-ENODEV or -ENXIO: not this device). */
    record ProbeRejected(Stamp stamp, String driver, String device, int error) implements BootEvent {
    }

    /** core.c, devices_kset_move_last: {@code devices_kset: Moving DEV to end of list} (a probe's reorder). */
    record MovedToEnd(Stamp stamp, String device) implements BootEvent {
    }

    /**
     * core.c, fw_devlink_create_devlink: {@code BUS DEV: Not linking NODEPATH - WHY} (6.1: "might never become
     * dev", "dev might never probe"): fw_devlink made no device link to that supplier node.
     */
    record NotLinking(Stamp stamp, String consumer, String supplierPath, String why) implements BootEvent {
    }

    /** core.c, fw_devlink_relax_link: {@code BUS DEV: Relaxing link with SUP}: the link no longer holds back the probe. */
    record LinkRelaxed(Stamp stamp, String consumer, String supplier) implements BootEvent {
    }

    /**
     * core.c, __fw_devlink_relax_cycles (6.1.y): {@code ----- cycle: start -----} and {@code ----- cycle: end -----}
     * around the {@link CycleDependency} lines of one dependency cycle.
     */
    record CycleMarker(Stamp stamp, boolean start) implements BootEvent {
    }

    /**
     * core.c, __fw_devlink_relax_cycles (6.1.y): {@code PATH: cycle: depends on OTHERPATH} or
     * {@code PATH: cycle: child of OTHERPATH} (node paths); {@code relation} is "depends on" or "child of".
     */
    record CycleDependency(Stamp stamp, String path, String relation, String otherPath) implements BootEvent {
    }

    /** core.c, fw_devlink_create_devlink (6.1.y): {@code CONPATH: Fixed dependency cycle(s) with SUPPATH}. */
    record CycleFixed(Stamp stamp, String consumerPath, String supplierPath) implements BootEvent {
    }

    /**
     * dd.c: {@code BUS DEV: probing driver DRV asynchronously} (__driver_attach, a driver registering) or
     * {@code BUS DEV: scheduling asynchronous probe} (__device_attach, a device registering; {@code driver}
     * null; wording from the kernel source as we know it, not seen in the captured logs).
     */
    record AsyncProbeScheduled(Stamp stamp, String device, String driver) implements BootEvent {
    }

    /** dd.c, __driver_attach_async_helper: {@code DRV DEV: driver DRV async attach completed: R}. */
    record AsyncAttachCompleted(Stamp stamp, String device, String driver, int result) implements BootEvent {
    }
}
