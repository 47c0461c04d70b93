package org.deferprobe.workload.realboot;

import java.util.List;

/**
 * What a boot log says about one device: every probe attempt in order, its deferrals, its device links and
 * where it ended up. Immutable.
 *
 * @param name              the kernel's device name ({@code dev_name}), e.g. {@code 1c28000.serial}
 * @param bus               its bus ({@code platform}, {@code amba}, {@code i2c}...), or an empty string when
 *                          no line names it
 * @param attempts          the probe attempts, in log order
 * @param matchDeferrals    how many times the bus's match itself deferred ("Device match requests probe
 *                          deferral": no attempt, no probe call)
 * @param deferralReasons   one line per deferral, in order: {@code driver DRV} (the driver asked),
 *                          {@code supplier SUP} (a link not ready; {@code supplier ?} when only the return
 *                          value shows it), {@code core} (pinctrl or DMA setup before the driver's probe),
 *                          {@code match} (the bus's match), {@code wait for supplier NODE} (fw_devlink, no
 *                          device yet)
 * @param suppliers         the devices it was linked to as a consumer ("Linked as a consumer to"), without
 *                          the links dropped or relaxed later, in the order linked; sync-state-only links
 *                          excluded
 * @param relaxedSuppliers  the suppliers whose links fw_devlink relaxed ("Relaxing link with"): linked, but
 *                          not holding back the probe
 * @param retries           how many times the deferred work retried it ("Retrying from deferred list")
 * @param pendingAtTimeout  whether the deferred-probe timeout listed it ("deferred probe pending")
 * @param finalState        where it ended up when the log ends
 * @param driver            the driver it is bound to at the end, or null
 */
public record DeviceHistory(String name, String bus, List<ProbeAttempt> attempts, int matchDeferrals,
        List<String> deferralReasons, List<String> suppliers, List<String> relaxedSuppliers, int retries, boolean pendingAtTimeout,
        FinalState finalState, String driver) {
    /** Where a device is when the log ends. */
    public enum FinalState {
        /** Bound to a driver. */
        BOUND,
        /** On the deferred list (it deferred and nothing bound it since). */
        DEFERRED,
        /** Probed, not bound and not deferred: every attempt failed or was rejected. */
        PROBE_FAILED,
        /** Never probed: the log names it (in a link, say) but shows no attempt. */
        NEVER_PROBED,
        /** Unregistered ("device_unregister") after its last appearance. */
        REMOVED
    }

    public DeviceHistory {
        attempts = List.copyOf(attempts);
        deferralReasons = List.copyOf(deferralReasons);
        suppliers = List.copyOf(suppliers);
        relaxedSuppliers = List.copyOf(relaxedSuppliers);
    }

    /** Attempts that got as far as "probing driver" (the log's probe calls). */
    public int probeCalls() {
        return (int) attempts.stream().filter(ProbeAttempt::probing).count();
    }

    /** Whether it ever deferred, by an attempt or by its bus's match. */
    public boolean everDeferred() {
        return matchDeferrals > 0 || attempts.stream().anyMatch(ProbeAttempt::deferred);
    }
}
