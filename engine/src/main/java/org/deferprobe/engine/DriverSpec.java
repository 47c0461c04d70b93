package org.deferprobe.engine;

import java.util.List;
import java.util.Objects;

/**
 * An immutable description of a driver and of its simulated probe.
 *
 * <p>The simulated probe (shared by every engine) does, in order: register the devices of
 * {@link #registersDevices()} (M16: they attach at once, as device_add's synchronous attach does; dwc3's glue
 * populates its children first), register the drivers of {@link #registersDrivers()} (M11), check the
 * device's requirements (M15), sleep {@link #probeMicros()} (waiting on hardware), spin {@link #spinMicros()}
 * (CPU work), then return fail if {@link #fails()}, defer naming the first missing requirement, or register the
 * device's own {@link DeviceSpec#children()} (M16, at the end of a probe that has everything) and bind. A
 * probe that defers or fails unregisters the devices it registered (its error path); so does unbinding the
 * device later. The window between the check and the return is the one in which a trigger is lost without
 * the M8 recheck (B1, 2014).
 *
 * @param name               unique among registered drivers
 * @param bus                the bus it registers on
 * @param matches            match ids compared with device compatible strings (M1)
 * @param probe              sync or async (M12)
 * @param probeMicros        simulated probe duration, sleeping
 * @param spinMicros         simulated CPU work inside probe, busy
 * @param publishDelayMicros if positive, the device's resources are published this long after the probe
 *                           returned bound, by the engine's executor (M15, seeds 001/002)
 * @param registersDrivers   drivers this driver's probe registers (M11, seed 004)
 * @param fails              the probe returns a hard error
 * @param registersDevices   devices this driver's probe registers first thing (M16, seed 004's optee, dwc3); a
 *                           device registered so is registered by nothing else
 */
public record DriverSpec(String name, String bus, List<String> matches, ProbeType probe, long probeMicros,
                         long spinMicros, long publishDelayMicros, List<DriverSpec> registersDrivers, boolean fails,
                         List<DeviceSpec> registersDevices) {

    public DriverSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(probe, "probe");
        matches = List.copyOf(matches);
        registersDrivers = List.copyOf(registersDrivers);
        registersDevices = List.copyOf(registersDevices);
        if (probeMicros < 0 || spinMicros < 0 || publishDelayMicros < 0) {
            throw new IllegalArgumentException("negative duration in driver " + name + ": probeMicros=" + probeMicros
                    + " spinMicros=" + spinMicros + " publishDelayMicros=" + publishDelayMicros);
        }
    }

    /** Without devices registered from probe. */
    public DriverSpec(String name, String bus, List<String> matches, ProbeType probe, long probeMicros, long spinMicros,
                      long publishDelayMicros, List<DriverSpec> registersDrivers, boolean fails) {
        this(name, bus, matches, probe, probeMicros, spinMicros, publishDelayMicros, registersDrivers, fails, List.of());
    }

    /** A sync platform driver matching the id equal to its name, with an instant probe. */
    public static DriverSpec of(String name) {
        return new DriverSpec(name, DeviceSpec.DEFAULT_BUS, List.of(name), ProbeType.SYNC, 0, 0, 0, List.of(), false);
    }

    public DriverSpec withBus(String newBus) {
        return new DriverSpec(name, newBus, matches, probe, probeMicros, spinMicros, publishDelayMicros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec withMatches(String... ids) {
        return new DriverSpec(name, bus, List.of(ids), probe, probeMicros, spinMicros, publishDelayMicros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec async() {
        return new DriverSpec(name, bus, matches, ProbeType.ASYNC, probeMicros, spinMicros, publishDelayMicros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec withProbeMicros(long micros) {
        return new DriverSpec(name, bus, matches, probe, micros, spinMicros, publishDelayMicros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec withSpinMicros(long micros) {
        return new DriverSpec(name, bus, matches, probe, probeMicros, micros, publishDelayMicros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec withPublishDelayMicros(long micros) {
        return new DriverSpec(name, bus, matches, probe, probeMicros, spinMicros, micros, registersDrivers, fails, registersDevices);
    }

    public DriverSpec registering(DriverSpec... drivers) {
        return new DriverSpec(name, bus, matches, probe, probeMicros, spinMicros, publishDelayMicros, List.of(drivers), fails, registersDevices);
    }

    public DriverSpec registeringDevices(DeviceSpec... devices) {
        return new DriverSpec(name, bus, matches, probe, probeMicros, spinMicros, publishDelayMicros, registersDrivers,
                fails, List.of(devices));
    }

    public DriverSpec failing() {
        return new DriverSpec(name, bus, matches, probe, probeMicros, spinMicros, publishDelayMicros, registersDrivers, true, registersDevices);
    }
}
