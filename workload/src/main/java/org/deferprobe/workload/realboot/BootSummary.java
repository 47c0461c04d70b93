package org.deferprobe.workload.realboot;

/**
 * The numbers of one boot log, counted from its events (lines) and from its device histories (devices).
 *
 * @param devices             devices the driver core lines name (attempts, deferrals, binds, links)
 * @param probeAttempts       really_probe entries ("matched device ... with driver")
 * @param probeCalls          driver probe calls ("really_probe: probing driver")
 * @param binds               "driver_bound" lines
 * @param devicesBound        devices bound at the end
 * @param devicesEverDeferred devices that deferred at least once (by an attempt or by their bus's match)
 * @param deferralsByDriver   probes that returned -EPROBE_DEFER ("Driver X requests probe deferral")
 * @param supplierNotReady    attempts deferred before the probe because a supplier link was not ready
 * @param waitForSupplier     attempts deferred on a fw_devlink supplier that had no device yet
 * @param coreDeferrals       attempts the driver core deferred after "probing driver" and before the driver's
 *                            probe (pinctrl or DMA setup: "returned -517" with no deferral line)
 * @param matchDeferrals      bus matches that deferred ("Device match requests probe deferral")
 * @param retries             deferred-list retries ("Retrying from deferred list")
 * @param failedProbes        probes that failed with an error
 * @param rejectedProbes      probes that rejected the match (-ENODEV, -ENXIO)
 * @param stillDeferred       devices on the deferred list at the end
 * @param pendingAtTimeout    devices the deferred-probe timeout reported ("deferred probe pending")
 * @param deviceLinks         device links made ("Linked as a consumer to", sync-state-only ones excluded)
 */
public record BootSummary(int devices, int probeAttempts, int probeCalls, int binds, int devicesBound,
        int devicesEverDeferred, int deferralsByDriver, int supplierNotReady, int waitForSupplier, int coreDeferrals,
        int matchDeferrals, int retries, int failedProbes, int rejectedProbes, int stillDeferred,
        int pendingAtTimeout, int deviceLinks) {
}
