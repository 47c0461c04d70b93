package org.deferprobe.workload;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.deferprobe.engine.DeviceSpec;
import org.deferprobe.engine.DriverSpec;

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
                       Expect expect) {
    /** The steps when a scenario gives none: register-devices, register-drivers, quiesce. */
    public static final List<Step> DEFAULT_STEPS = List.of(new Step.RegisterDevices(null),
            new Step.RegisterDrivers(null), new Step.Quiesce());

    public Scenario {
        drivers = List.copyOf(drivers);
        devices = List.copyOf(devices);
        steps = List.copyOf(steps);
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

    /** Names of the devices some driver's probe registers (M16): a default register-devices skips them. */
    public Set<String> devicesRegisteredByProbes() {
        Set<String> names = new LinkedHashSet<>();
        for (DriverSpec d : drivers) {
            for (DeviceSpec child : d.registersDevices()) {
                names.add(child.name());
            }
        }
        return names;
    }

    /**
     * The same scenario with {@code change} applied to every driver, those that probes register included
     * (e.g. {@code s.mapDrivers(d -> d.withProbeMicros(100))} for {@code --probe-micros}).
     */
    public Scenario mapDrivers(UnaryOperator<DriverSpec> change) {
        return new Scenario(name, drivers.stream().map(d -> mapDriver(d, change)).toList(), devices, steps, expect);
    }

    private static DriverSpec mapDriver(DriverSpec d, UnaryOperator<DriverSpec> change) {
        DriverSpec changed = change.apply(d);
        List<DriverSpec> children = changed.registersDrivers().stream().map(c -> mapDriver(c, change)).toList();
        return new DriverSpec(changed.name(), changed.bus(), changed.matches(), changed.probe(), changed.probeMicros(),
                changed.spinMicros(), changed.publishDelayMicros(), children, changed.fails(), changed.registersDevices());
    }

    public Scenario withSteps(List<Step> newSteps) {
        return new Scenario(name, drivers, devices, newSteps, expect);
    }

    public Scenario withExpect(Expect newExpect) {
        return new Scenario(name, drivers, devices, steps, newExpect);
    }
}
