package org.deferprobe.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fw_devlink's device links, as the shared model uses them (drivers/base/core.c): which suppliers a device waits
 * for before its probe is called, and which consumers lose their driver when a supplier does. The engines reach
 * it through {@link AbstractEngine}; it holds no lock of its own.
 *
 * <p>"Supplier S is bound" is a resource of its own, {@link #key}(S), published into the engine's
 * {@link Resources} when S binds and withdrawn when it unbinds, so the check is the same sequentially consistent
 * lookup as a probe's requirements, the indexed engine parks a consumer on it like on any resource, and the
 * publication and the bind's trigger close the lost wake-up the same way (M8).
 *
 * Implementation notes.
 * Invariants:
 *  - a consumer's link to S gates its probe iff the mode is {@link FwDevlink#ON} and the link is not relaxed;
 *    links are relaxed inside a dependency cycle (by the scenario's loader, which leaves them out) and, when the
 *    deferred_probe_timeout fires, to suppliers no driver matches (fw_devlink_drivers_done);
 *  - {@link #consumersOf} holds every live device naming S among its suppliers from its registration until its
 *    removal (added before its first attach, so a supplier's unbind that withdraws its key and then walks the
 *    consumers finds every consumer whose check saw the key: the check precedes the bind, the registration
 *    precedes the check).
 * Linearization: a consumer's check, the read of key(S); a supplier's unbind, the withdrawal of key(S), made
 * before its consumers are unbound, so a consumer that checks afterwards defers instead of binding, and one that
 * checked before is unbound once its probe returns (the unbind takes its guard).
 */
final class DeviceLinks {
    /** A character no device or resource name of a scenario holds: keys never collide with resources. */
    private static final String PREFIX = "\u0000supplier ";

    private final FwDevlink mode;
    private final ConcurrentHashMap<String, Set<Device>> consumersOf = new ConcurrentHashMap<>();
    /** Relaxed links, as consumer + '\u0000' + supplier. */
    private final Set<String> relaxed = ConcurrentHashMap.newKeySet();

    DeviceLinks(FwDevlink mode) {
        this.mode = mode;
    }

    FwDevlink mode() {
        return mode;
    }

    /** The resource that stands for "this device is bound" (its consumers' links). */
    static String key(String supplier) {
        return PREFIX + supplier;
    }

    /** The supplier a key stands for, or null if it is a plain resource. */
    static String supplierOf(String key) {
        return key != null && key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : null;
    }

    /** A deferral reason as the kernel's debug log gives it ("wait for supplier NAME"), or the plain resource. */
    static String reason(String waitingFor) {
        String s = supplierOf(waitingFor);
        return s != null ? "wait for supplier " + s : "waiting for " + waitingFor;
    }

    /** Records a new device's links (before its first attach). */
    void added(Device d) {
        if (mode == FwDevlink.OFF) {
            return;
        }
        for (String s : d.spec.suppliers()) {
            consumersOf.computeIfAbsent(s, k -> ConcurrentHashMap.newKeySet()).add(d);
        }
    }

    /** Forgets a removed device's links. */
    void removed(Device d) {
        for (String s : d.spec.suppliers()) {
            Set<Device> set = consumersOf.get(s);
            if (set != null) {
                set.remove(d);
            }
        }
    }

    /**
     * device_links_check_suppliers: the first supplier of {@code d} that gates its probe and is not bound, or null
     * if its driver's probe may be called.
     */
    String blockingSupplier(Device d, Resources resources) {
        if (mode != FwDevlink.ON) {
            return null;
        }
        List<String> suppliers = d.spec.suppliers();
        for (int i = 0, n = suppliers.size(); i < n; i++) {
            String s = suppliers.get(i);
            if (!resources.isPublished(key(s)) && (relaxed.isEmpty() || !relaxed.contains(pair(d.name, s)))) {
                return s;
            }
        }
        return null;
    }

    /**
     * The consumers a supplier's unbind takes down first (device_links_unbind_consumers): every one whose link
     * gates, bound or not. Not only the bound ones: a consumer whose probe passed the check before the
     * supplier's key was withdrawn is not bound yet, and would bind after. The caller takes each one's guard,
     * which such a probe holds, and unbinds it if it is bound then (the kernel waits for that probe:
     * DL_STATE_CONSUMER_PROBE, wait_for_device_probe).
     */
    List<Device> gatedConsumers(Device supplier) {
        if (mode != FwDevlink.ON) {
            return List.of();
        }
        Set<Device> set = consumersOf.get(supplier.name);
        if (set == null) {
            return List.of();
        }
        return set.stream().filter(c -> !c.dead && !relaxed.contains(pair(c.name, supplier.name))).toList();
    }

    /** Stops a link from gating its consumer's probe (fw_devlink_relax_link). */
    void relax(String consumer, String supplier) {
        relaxed.add(pair(consumer, supplier));
    }

    boolean isRelaxed(String consumer, String supplier) {
        return relaxed.contains(pair(consumer, supplier));
    }

    private static String pair(String consumer, String supplier) {
        return consumer + '\u0000' + supplier;
    }
}
