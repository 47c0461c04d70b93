package org.deferprobe.engine;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * fw_devlink, the kernel's device links from firmware (drivers/base/core.c, the {@code fw_devlink=} boot
 * parameter): what a device's {@link DeviceSpec#suppliers()} do.
 */
public enum FwDevlink {
    /**
     * The kernel's default since 5.x: a device whose suppliers are not all bound defers before its driver's probe
     * is called (really_probe's device_links_check_suppliers), at no probe cost; unbinding a supplier unbinds its
     * bound consumers first (device_links_unbind_consumers), and they are probed again when it binds
     * (DL_FLAG_AUTOPROBE_CONSUMER).
     */
    ON("on"),
    /** Links are recorded (for sync_state) but gate no probe and unbind nothing (DL_FLAG_SYNC_STATE_ONLY). */
    PERMISSIVE("permissive"),
    /** No links: suppliers are ignored. */
    OFF("off");

    private final String modeName;

    FwDevlink(String modeName) {
        this.modeName = modeName;
    }

    /** As on the kernel command line: on, permissive, off. */
    public String modeName() {
        return modeName;
    }

    /** @throws IllegalArgumentException naming the modes */
    public static FwDevlink byName(String name) {
        for (FwDevlink m : values()) {
            if (m.modeName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fw_devlink mode '" + name + "' (known: "
                + Arrays.stream(values()).map(FwDevlink::modeName).collect(Collectors.joining(", ")) + ")");
    }
}
