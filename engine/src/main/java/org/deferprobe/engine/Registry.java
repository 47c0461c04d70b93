package org.deferprobe.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
final class Registry {
    private final ConcurrentHashMap<String, Device> devices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Driver> drivers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Driver>> driversByKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Device>> devicesByKey = new ConcurrentHashMap<>();
    private final AtomicLong driverSeq = new AtomicLong();

    private static String key(String bus, String id) {
        return bus + '\u0000' + id;
    }

    /** Adds and indexes a device. */
    Device addDevice(DeviceSpec spec) {
        Device d = new Device(spec);
        Device prior = devices.putIfAbsent(spec.name(), d);
        if (prior != null) {
            throw new IllegalStateException("device already registered: " + spec.name());
        }
        for (String id : spec.compatible()) {
            devicesByKey.computeIfAbsent(key(spec.bus(), id), k -> ConcurrentHashMap.newKeySet()).add(d);
        }
        return d;
    }

    /** Removes a device from the names and the index; null if no live device has that name. */
    Device removeDevice(String name) {
        Device d = devices.remove(name);
        if (d != null) {
            for (String id : d.spec.compatible()) {
                Set<Device> set = devicesByKey.get(key(d.spec.bus(), id));
                if (set != null) {
                    set.remove(d);
                }
            }
        }
        return d;
    }

    /** Adds and indexes a driver; null if one of that name is registered. */
    Driver addDriver(DriverSpec spec) {
        Driver drv = new Driver(spec, driverSeq.incrementAndGet());
        if (drivers.putIfAbsent(spec.name(), drv) != null) {
            return null;
        }
        for (String id : spec.matches()) {
            driversByKey.computeIfAbsent(key(spec.bus(), id), k -> new CopyOnWriteArrayList<>()).addIfAbsent(drv);
        }
        return drv;
    }

    /** The registered driver of that name, or null. */
    Driver driver(String name) {
        return drivers.get(name);
    }

    /**
     * Removes exactly this driver from the names and the index; false if it is no longer registered (a
     * concurrent unregistration won), so a stale caller never removes a newer driver of the same name.
     */
    boolean removeDriver(Driver drv) {
        if (!drivers.remove(drv.name, drv)) {
            return false;
        }
        for (String id : drv.spec.matches()) {
            List<Driver> list = driversByKey.get(key(drv.spec.bus(), id));
            if (list != null) {
                list.remove(drv);
            }
        }
        return true;
    }

    Device device(String name) {
        return devices.get(name);
    }

    Collection<Device> devices() {
        return devices.values();
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

    /** The live devices a driver matches (M1), in no particular order. */
    Collection<Device> matchingDevices(Driver drv) {
        List<String> ids = drv.spec.matches();
        if (ids.size() == 1) {
            Set<Device> set = devicesByKey.get(key(drv.spec.bus(), ids.get(0)));
            return set == null ? List.of() : set;
        }
        Set<Device> found = new LinkedHashSet<>();
        for (String id : ids) {
            Set<Device> set = devicesByKey.get(key(drv.spec.bus(), id));
            if (set != null) {
                found.addAll(set);
            }
        }
        return found;
    }
}
