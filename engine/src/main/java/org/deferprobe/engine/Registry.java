package org.deferprobe.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live devices and registered drivers by name, and the match index (M1): (bus, id) to the drivers whose
 * match ids and to the devices whose compatible strings contain it. Thread-safe without locks.
 *
 * Implementation notes.
 * A device registration indexes the device and then looks up drivers; a driver registration indexes the
 * driver and then looks up devices. The index maps are sequentially consistent, so of a device and a
 * driver registered at the same time at least one side sees the other: no attach is lost to that race
 * (both may see each other; the second attempt finds the device bound and does nothing).
 * Names and index in step (audited by {@link #audit()} at quiescence): a registration inserts the name
 * (I1), indexes (I2), then re-reads whether it was removed meanwhile (R) and if so unindexes itself; a
 * removal marks the removal (W: the device's name leaves the map, the driver's {@code registered} is
 * cleared) and then unindexes (U). All sequentially consistent: if R misses W then I2 precedes U and the
 * removal's unindexing finds the entries; if R sees W the registration removes its own entries. Either way
 * a removed device or driver never stays indexed (without R, a removal between I1 and I2 left it indexed
 * for good: a leak, and work for every walk).
 * Driver removal follows bus_remove_driver (drivers/base/bus.c): klist_remove from the bus's driver list
 * first ({@link #claimDriverRemoval}: no device matches it any more), then driver_detach (the engine), and
 * the name is released last ({@link #releaseDriverName}, the final kobject_put): until then driver_find
 * still finds it and a same-name driver_register fails with -EBUSY, here {@link #addDriver} returns null.
 * Device removal follows device_del (drivers/base/core.c) the same way: bus_remove_device takes it off the
 * bus's klist and releases its driver (which unregisters its own children, M16) before kobject_del frees
 * its name, so a same-name device_add meanwhile fails with -EEXIST. Here {@link #claimDeviceRemoval} (W: the
 * device's {@code registered} is cleared) and unindexing (U) come first, {@link #releaseDeviceName} last, and
 * {@link #addDevice} refuses the name in between: a re-registration racing the removal cannot meet the old
 * instance's children still registered. Lookups by name and iteration skip devices whose removal started.
 */
final class Registry {
    private final ConcurrentHashMap<String, Device> devices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Driver> drivers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Driver>> driversByKey = new ConcurrentHashMap<>();
    /** Per key, the devices in registration order: a driver's bus walk visits them in it, as klist_devices. */
    private final ConcurrentHashMap<String, Set<Device>> devicesByKey = new ConcurrentHashMap<>();
    private final AtomicLong driverSeq = new AtomicLong();
    private final AtomicLong deviceSeq = new AtomicLong();
    private static final Comparator<Device> REGISTRATION_ORDER = Comparator.comparingLong(d -> d.seq);
    private final Pause pause;

    /** A test seam: where a registration may be paused to force an interleaving. */
    interface Pause {
        Pause NONE = name -> { };

        /** Called after a device or driver was inserted by name and before it is indexed. */
        void betweenInsertAndIndex(String name);
    }

    /** Only with {@link TestFlaw#INDEX_WITHOUT_RECHECK}: the Lincheck test's flawed variant. */
    private final boolean indexWithoutRecheck;

    Registry() {
        this(Pause.NONE, Set.of());
    }

    /** Test-only: with a pause seam and deliberate flaws. */
    Registry(Pause pause, Set<TestFlaw> flaws) {
        this.pause = pause;
        this.indexWithoutRecheck = flaws.contains(TestFlaw.INDEX_WITHOUT_RECHECK);
    }

    private static String key(String bus, String id) {
        return bus + '\u0000' + id;
    }

    /**
     * Adds and indexes a device.
     *
     * @throws IllegalStateException if a device of that name is live, or still being unregistered
     */
    Device addDevice(DeviceSpec spec) {
        Device d = new Device(spec, deviceSeq.incrementAndGet());
        Device prior = devices.putIfAbsent(spec.name(), d);
        if (prior != null) {
            throw new IllegalStateException(prior.registered ? "device already registered: " + spec.name()
                    : "device still being unregistered: " + spec.name() + " (its name is free once that returns)");
        }
        pause.betweenInsertAndIndex(spec.name());
        for (String id : spec.compatible()) {
            devicesByKey.computeIfAbsent(key(spec.bus(), id), k -> new ConcurrentSkipListSet<>(REGISTRATION_ORDER)).add(d);
        }
        if (!indexWithoutRecheck && !d.registered) { // R: claimed for removal between the insertion and the indexing
            unindexDevice(d);
        }
        return d;
    }

    /**
     * Starts the removal of the live device of that name: claims it (W) and takes it out of the match index
     * (U); its name stays taken until {@link #releaseDeviceName}. Null if no live device has that name or
     * another unregistration claimed it first.
     */
    Device claimDeviceRemoval(String name) {
        Device d = devices.get(name);
        return d != null && claimDeviceRemoval(d) ? d : null;
    }

    /** Starts the removal of exactly this device; false if another unregistration claimed it first. */
    boolean claimDeviceRemoval(Device d) {
        if (!d.claimRemoval()) { // W
            return false;
        }
        unindexDevice(d); // U
        return true;
    }

    /** Frees the name of exactly this device once it is detached (device_del's kobject_del). */
    boolean releaseDeviceName(Device d) {
        return devices.remove(d.name, d);
    }

    private void unindexDevice(Device d) {
        for (String id : d.spec.compatible()) {
            Set<Device> set = devicesByKey.get(key(d.spec.bus(), id));
            if (set != null) {
                set.remove(d);
            }
        }
    }

    /** Adds and indexes a driver; null if one of that name is registered or still being unregistered. */
    Driver addDriver(DriverSpec spec) {
        Driver drv = addDriverUnlisted(spec);
        if (drv != null) {
            pause.betweenInsertAndIndex(spec.name());
            listDriver(drv);
        }
        return drv;
    }

    /** Takes the driver's name (kobject_init_and_add) without indexing it; null if the name is taken. */
    Driver addDriverUnlisted(DriverSpec spec) {
        Driver drv = new Driver(spec, driverSeq.incrementAndGet());
        return drivers.putIfAbsent(spec.name(), drv) == null ? drv : null;
    }

    /** Indexes a driver whose name it holds (klist_add_tail on the bus's driver list), with the re-check (R). */
    void listDriver(Driver drv) {
        for (String id : drv.spec.matches()) {
            driversByKey.computeIfAbsent(key(drv.spec.bus(), id), k -> new CopyOnWriteArrayList<>()).addIfAbsent(drv);
        }
        if (!indexWithoutRecheck && !drv.registered) { // R: an unregistration claimed it between the insertion and the indexing
            unindexDriver(drv);
        }
    }

    /** M1 for one pair: same bus, and a match id equal to a compatible string (platform_match's of_match). */
    static boolean matches(Driver drv, Device d) {
        if (!drv.spec.bus().equals(d.spec.bus())) {
            return false;
        }
        for (String id : drv.spec.matches()) {
            if (d.spec.compatible().contains(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the removal of exactly this driver: claims it (W) and takes it out of the match index (U), so no
     * device matches it any more; its name stays taken until {@link #releaseDriverName}. False if another
     * unregistration claimed it first.
     */
    boolean claimDriverRemoval(Driver drv) {
        if (!drv.claimRemoval()) { // W
            return false;
        }
        unindexDriver(drv); // U
        return true;
    }

    /** Takes a driver out of the match index (bus_remove_driver's klist_remove). */
    private void unindexDriver(Driver drv) {
        for (String id : drv.spec.matches()) {
            List<Driver> list = driversByKey.get(key(drv.spec.bus(), id));
            if (list != null) {
                list.remove(drv);
            }
        }
    }

    /**
     * Frees the name of exactly this driver once it is detached (bus_remove_driver's final kobject_put): a
     * driver of that name can be registered again. False if the name is not this driver's.
     */
    boolean releaseDriverName(Driver drv) {
        return drivers.remove(drv.name, drv);
    }

    /** The registered driver of that name, or null. */
    Driver driver(String name) {
        return drivers.get(name);
    }

    /** The live device of that name, or null (also while its unregistration runs). */
    Device device(String name) {
        Device d = devices.get(name);
        return d != null && d.registered ? d : null;
    }

    /** The live devices, without those whose unregistration started; weakly consistent. */
    List<Device> devices() {
        List<Device> out = new ArrayList<>();
        for (Device d : devices.values()) {
            if (d.registered) {
                out.add(d);
            }
        }
        return out;
    }

    /** The live devices on a bus in registration order (bus_for_each_dev over klist_devices); a snapshot. */
    List<Device> devicesOnBus(String bus) {
        List<Device> out = new ArrayList<>();
        for (Device d : devices.values()) {
            if (d.registered && d.spec.bus().equals(bus)) {
                out.add(d);
            }
        }
        out.sort(REGISTRATION_ORDER);
        return out;
    }

    /** The names of the registered drivers whose unregistration has not started, sorted. */
    List<String> registeredDriverNames() {
        List<String> names = new ArrayList<>();
        for (Driver drv : drivers.values()) {
            if (drv.registered) {
                names.add(drv.name);
            }
        }
        names.sort(null);
        return List.copyOf(names);
    }

    /** The registered drivers matching a device (M1), in registration order. */
    List<Driver> matchingDrivers(Device d) {
        List<String> ids = d.spec.compatible();
        if (ids.size() == 1) {
            List<Driver> list = driversByKey.get(key(d.spec.bus(), ids.get(0)));
            return list == null ? List.of() : list;
        }
        Set<Driver> found = new LinkedHashSet<>();
        for (String id : ids) {
            List<Driver> list = driversByKey.get(key(d.spec.bus(), id));
            if (list != null) {
                found.addAll(list);
            }
        }
        List<Driver> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingLong(drv -> drv.seq));
        return sorted;
    }

    /**
     * The live devices a driver matches (M1), in registration order (bus_for_each_dev walks klist_devices
     * in the order devices were added). Weakly consistent: a device registered or removed during the walk may
     * or may not be seen (the registration's own attach covers the former).
     */
    Collection<Device> matchingDevices(Driver drv) {
        List<String> ids = drv.spec.matches();
        if (ids.size() == 1) {
            Set<Device> set = devicesByKey.get(key(drv.spec.bus(), ids.get(0)));
            return set == null ? List.of() : set;
        }
        TreeSet<Device> found = new TreeSet<>(REGISTRATION_ORDER);
        for (String id : ids) {
            Set<Device> set = devicesByKey.get(key(drv.spec.bus(), id));
            if (set != null) {
                found.addAll(set);
            }
        }
        return found;
    }

    /**
     * What the names and the match index disagree on, one line each: an indexed device or driver that is not
     * the live one of its name (removed, or replaced by a newer registration), or a live one missing from the
     * index under one of its keys. Exact only when no registration or unregistration is running (at
     * quiescence); while one runs, its own entries may be half done.
     */
    List<String> audit() {
        List<String> problems = new ArrayList<>();
        devicesByKey.forEach((key, set) -> {
            for (Device d : set) {
                if (devices.get(d.name) != d || !d.registered) {
                    problems.add("device " + d.name + (d.dead || !d.registered ? " (unregistered)" : " (not live)")
                            + " still indexed under " + keyName(key));
                }
            }
        });
        for (Device d : devices.values()) {
            if (!d.registered) {
                problems.add("device " + d.name + " unregistered but its name still taken");
                continue;
            }
            for (String id : d.spec.compatible()) {
                Set<Device> set = devicesByKey.get(key(d.spec.bus(), id));
                if (set == null || !set.contains(d)) {
                    problems.add("live device " + d.name + " missing from the index under " + d.spec.bus() + "/" + id);
                }
            }
        }
        driversByKey.forEach((key, list) -> {
            for (Driver drv : list) {
                if (drivers.get(drv.name) != drv) {
                    problems.add("driver " + drv.name + " (not registered) still indexed under " + keyName(key));
                }
            }
        });
        for (Driver drv : drivers.values()) {
            for (String id : drv.spec.matches()) {
                List<Driver> list = driversByKey.get(key(drv.spec.bus(), id));
                if (list == null || !list.contains(drv)) {
                    problems.add("registered driver " + drv.name + " missing from the index under "
                            + drv.spec.bus() + "/" + id);
                }
            }
        }
        return problems;
    }

    private static String keyName(String key) {
        return key.replace('\u0000', '/');
    }
}
