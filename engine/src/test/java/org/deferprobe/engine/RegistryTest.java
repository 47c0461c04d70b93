package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's names and match index stay in step (M1) under a removal that overtakes a registration: the
 * registration is paused between its insertion by name and its indexing (the {@link Registry.Pause} seam), the
 * removal runs to completion there, then the registration resumes. Forced interleavings, no sleeps.
 */
@Timeout(20)
class RegistryTest {

    /** Issue 9, bug 2: the removal's unindexing ran before the indexing, which then indexed a removed device. */
    @Test
    void aDeviceRemovedBeforeItWasIndexedLeavesNothingInTheIndex() throws Exception {
        Paused paused = new Paused("x");
        Registry r = new Registry(paused, java.util.Set.of());
        Thread adder = start(() -> r.addDevice(DeviceSpec.of("x")));
        paused.awaitReached();
        Device removed = r.claimDeviceRemoval("x");
        assertNotNull(removed, "the name was inserted before the pause");
        assertTrue(r.releaseDeviceName(removed));
        paused.resume();
        adder.join();

        Driver drv = r.addDriver(DriverSpec.of("x"));
        assertEquals(List.of(), List.copyOf(r.matchingDevices(drv)), "a removed device still matches");
        assertEquals(List.of(), r.audit());
    }

    @Test
    void aDriverRemovedBeforeItWasIndexedLeavesNothingInTheIndex() throws Exception {
        Paused paused = new Paused("x");
        Registry r = new Registry(paused, java.util.Set.of());
        Thread adder = start(() -> r.addDriver(DriverSpec.of("x")));
        paused.awaitReached();
        Driver drv = r.driver("x");
        assertNotNull(drv, "the name was inserted before the pause");
        assertTrue(r.claimDriverRemoval(drv));
        assertTrue(r.releaseDriverName(drv));
        paused.resume();
        adder.join();

        Device d = r.addDevice(DeviceSpec.of("x"));
        assertEquals(List.of(), r.matchingDrivers(d), "a removed driver still matches");
        assertEquals(List.of(), r.audit());
    }

    @Test
    void theAuditNamesWhatTheIndexAndTheNamesDisagreeOn() {
        Registry r = new Registry();
        r.addDevice(DeviceSpec.of("a"));
        Driver drv = r.addDriver(DriverSpec.of("b"));
        assertEquals(List.of(), r.audit());
        assertTrue(r.claimDriverRemoval(drv)); // an unregistration in progress: the name is still held
        assertEquals(List.of("registered driver b missing from the index under platform/b"), r.audit());
        r.releaseDriverName(drv);
        assertEquals(List.of(), r.audit());
    }

    /** device_del's order: the name is refused from the claim until it is released, after the detach. */
    @Test
    void aDeviceNameStaysTakenFromTheRemovalClaimUntilItsRelease() {
        Registry r = new Registry();
        Device old = r.addDevice(DeviceSpec.of("x"));
        assertEquals(old, r.claimDeviceRemoval("x"));
        assertEquals(null, r.claimDeviceRemoval("x"), "claimed once");
        assertEquals(null, r.device("x"), "not live while its removal runs");
        assertEquals(List.of(), r.devices());
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> r.addDevice(DeviceSpec.of("x")));
        assertEquals("device still being unregistered: x (its name is free once that returns)", refused.getMessage());
        assertEquals(List.of("device x unregistered but its name still taken"), r.audit());
        assertTrue(r.releaseDeviceName(old));
        Device again = r.addDevice(DeviceSpec.of("x"));
        assertEquals(again, r.device("x"));
        assertEquals(List.of(), r.audit());
        IllegalStateException live = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> r.addDevice(DeviceSpec.of("x")));
        assertEquals("device already registered: x", live.getMessage());
    }

    /** Pauses the registration of one name at the seam until resumed. */
    private static final class Paused implements Registry.Pause {
        private final String name;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);

        Paused(String name) {
            this.name = name;
        }

        @Override
        public void betweenInsertAndIndex(String n) {
            if (n.equals(name) && reached.getCount() > 0) {
                reached.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitReached() throws InterruptedException {
            assertTrue(reached.await(10, TimeUnit.SECONDS), "the registration never reached the seam");
        }

        void resume() {
            resume.countDown();
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "registrant");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
