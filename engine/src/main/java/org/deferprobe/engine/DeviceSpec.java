package org.deferprobe.engine;

import java.util.List;
import java.util.Objects;

/**
 * An immutable description of a device (model entities, rules M1 and M15).
 *
 * @param name       unique among live devices
 * @param bus        the bus namespace it lives on
 * @param compatible the ids a driver's match ids are compared with (M1)
 * @param requires   resources that must all be published for its probe to bind
 * @param provides   resources published when it binds (or later, see {@link DriverSpec#publishDelayMicros()})
 * @param suppliers  devices it links to as a consumer (fw_devlink's links from firmware): with
 *                   {@link FwDevlink#ON} it defers before its probe is called while one of them is not bound
 * @param children   devices its probe registers at its end, once it has everything it needs, whichever driver binds
 *                   it (M16: its firmware subnodes that no bus populates, as an i2c or spi controller's probe
 *                   registers the devices on its bus in i2c_add_adapter); they are registered by nothing else
 */
public record DeviceSpec(String name, String bus, List<String> compatible, List<String> requires, List<String> provides,
                         List<String> suppliers, List<DeviceSpec> children) {
    public static final String DEFAULT_BUS = "platform";

    public DeviceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bus, "bus");
        compatible = List.copyOf(compatible);
        requires = List.copyOf(requires);
        provides = List.copyOf(provides);
        suppliers = List.copyOf(suppliers);
        children = List.copyOf(children);
    }

    /** Without suppliers or children. */
    public DeviceSpec(String name, String bus, List<String> compatible, List<String> requires, List<String> provides) {
        this(name, bus, compatible, requires, provides, List.of(), List.of());
    }

    /** A platform device compatible with its own name, providing its own name, requiring {@code requires}. */
    public static DeviceSpec of(String name, String... requires) {
        return new DeviceSpec(name, DEFAULT_BUS, List.of(name), List.of(requires), List.of(name));
    }

    public DeviceSpec withBus(String newBus) {
        return new DeviceSpec(name, newBus, compatible, requires, provides, suppliers, children);
    }

    public DeviceSpec withCompatible(String... ids) {
        return new DeviceSpec(name, bus, List.of(ids), requires, provides, suppliers, children);
    }

    public DeviceSpec withProvides(String... resources) {
        return new DeviceSpec(name, bus, compatible, requires, List.of(resources), suppliers, children);
    }

    public DeviceSpec withSuppliers(String... devices) {
        return new DeviceSpec(name, bus, compatible, requires, provides, List.of(devices), children);
    }

    public DeviceSpec withChildren(DeviceSpec... devices) {
        return new DeviceSpec(name, bus, compatible, requires, provides, suppliers, List.of(devices));
    }

    /** The same device under another name: used to place one scenario's devices several times (racks). */
    public DeviceSpec renamed(String newName) {
        return new DeviceSpec(newName, bus, compatible, requires, provides, suppliers, children);
    }
}
