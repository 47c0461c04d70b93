package org.deferprobe.workload;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;
import org.deferprobe.engine.FwDevlink;

/**
 * One workload: buses, devices, drivers and the steps that register them (docs/scenario-format.md).
 * Loaded from JSON or a device tree; the same object runs on every engine.
 *
 * @param name    shown in reports
 * @param drivers every driver in file order, including those only a probe registers
 * @param devices every device in file order
 * @param steps   run in order; the runner quiesces after the last one
 * @param expect  checked after the last step, or null
 */
public record Scenario(String name, List<DriverSpec> drivers, List<DeviceSpec> devices, List<Step> steps,
                       Expect expect, FwDevlink fwDevlink) {
    /** The steps when a scenario gives none: register-devices, register-drivers, quiesce. */
    public static final List<Step> DEFAULT_STEPS = List.of(new Step.RegisterDevices(null),
            new Step.RegisterDrivers(null), new Step.Quiesce());

    /**
     * @param fwDevlink what devices' suppliers do; null means the kernel's default ({@link FwDevlink#ON}) unless
     *                  the run says otherwise
     */
    public Scenario {
        drivers = List.copyOf(drivers);
        devices = List.copyOf(devices);
        steps = List.copyOf(steps);
    }

    /** With the default fw_devlink mode. */
    public Scenario(String name, List<DriverSpec> drivers, List<DeviceSpec> devices, List<Step> steps, Expect expect) {
        this(name, drivers, devices, steps, expect, null);
    }

    /** True if a step is late-initcall: the scenario then starts with deferred probing disabled (boot phases). */
    public boolean hasLateInitcall() {
        return steps.stream().anyMatch(s -> s instanceof Step.LateInitcall);
    }

    /** The same scenario with another fw_devlink mode. */
    public Scenario withFwDevlink(FwDevlink mode) {
        return new Scenario(name, drivers, devices, steps, expect, mode);
    }

    /** Names of the drivers some driver's probe registers: a default register-drivers skips them. */
    public Set<String> driversRegisteredByProbes() {
        Set<String> names = new LinkedHashSet<>();
        for (DriverSpec d : drivers) {
            for (DriverSpec child : d.registersDrivers()) {
                names.add(child.name());
            }
        }
        return names;
    }

    /**
     * Names of the devices a probe registers (M16: a driver's registersDevices, a device's children): a default
     * register-devices skips them.
     */
    public Set<String> devicesRegisteredByProbes() {
        Set<String> names = new LinkedHashSet<>();
        for (DriverSpec d : drivers) {
            for (DeviceSpec child : d.registersDevices()) {
                names.add(child.name());
            }
        }
        for (DeviceSpec d : devices) {
            for (DeviceSpec child : d.children()) {
                names.add(child.name());
            }
        }
        return names;
    }

    /** Every device the scenario can have, by name: its devices, their children, the devices its drivers' probes register. */
    public Map<String, DeviceSpec> everyDevice() {
        Map<String, DeviceSpec> all = new HashMap<>();
        Deque<DeviceSpec> todo = new ArrayDeque<>(devices);
        drivers.forEach(d -> todo.addAll(d.registersDevices()));
        while (!todo.isEmpty()) {
            DeviceSpec d = todo.poll();
            if (all.putIfAbsent(d.name(), d) == null) {
                todo.addAll(d.children());
            }
        }
        return all;
    }

    /**
     * The same scenario with {@code change} applied to every driver, those that probes register included
     * (e.g. {@code s.mapDrivers(d -> d.withProbeMicros(100))} for {@code --probe-micros}).
     */
    public Scenario mapDrivers(UnaryOperator<DriverSpec> change) {
        return new Scenario(name, drivers.stream().map(d -> mapDriver(d, change)).toList(), devices, steps, expect,
                fwDevlink);
    }

    private static DriverSpec mapDriver(DriverSpec d, UnaryOperator<DriverSpec> change) {
        DriverSpec changed = change.apply(d);
        List<DriverSpec> children = changed.registersDrivers().stream().map(c -> mapDriver(c, change)).toList();
        return new DriverSpec(changed.name(), changed.bus(), changed.matches(), changed.probe(), changed.probeMicros(),
                changed.spinMicros(), changed.publishDelayMicros(), children, changed.fails(), changed.registersDevices());
    }

    public Scenario withSteps(List<Step> newSteps) {
        return new Scenario(name, drivers, devices, newSteps, expect, fwDevlink);
    }

    public Scenario withExpect(Expect newExpect) {
        return new Scenario(name, drivers, devices, steps, newExpect, fwDevlink);
    }
}
