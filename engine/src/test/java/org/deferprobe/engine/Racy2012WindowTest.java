package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seed 000's own window (B1, 2012), forced: a driver whose walk has probed a device that deferred, and has not yet
 * joined the bus's driver list, meets a deferred pass. On {@code racy-2012} (v3.5's bus_add_driver: walk, then
 * klist_add_tail) the pass takes the device off the list, finds no matching driver and drops it: it is never probed
 * again, though its driver is registered and what it waits for is published later. On the kernel engine (the driver
 * listed first, as since 190888ac01d0) the pass retries it with its driver, and it binds once its supplier does.
 *
 * <p>The walk is held, without sleeping, at the next device it locks (the lock observer's {@code acquiring}), after the
 * deferred device's lock was released: the point at which, in the report's log, the other modules' probes and a
 * deferred pass ran.
 */
class Racy2012WindowTest {
    static final Duration QUIESCE = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"RACY_2012", "KERNEL"})
    @Timeout(30)
    void aDeferredPassBetweenTheWalkAndTheListingDropsTheDeviceOnlyOnRacy2012(EngineType type) throws Exception {
        AtomicReference<Thread> walker = new AtomicReference<>();
        CountDownLatch walkHeld = new CountDownLatch(1);
        CountDownLatch walkGoesOn = new CountDownLatch(1);
        CountDownLatch passEnded = new CountDownLatch(1);
        LockObserver holdTheWalk = new LockObserver() {
            @Override
            public void acquiring(String lockClass, Object lock, boolean reentrant) {
                if (Thread.currentThread() == walker.get() && lock instanceof Device d && d.name.equals("card.2")) {
                    walkHeld.countDown();
                    EngineContractTest.awaitQuietly(walkGoesOn);
                }
            }

            @Override
            public void acquired(String lockClass, Object lock) {
            }

            @Override
            public void released(String lockClass, Object lock) {
            }
        };
        try (Engine e = type.create(EngineConfig.defaults().withLockObserver(holdTheWalk).withEvents(new EngineEvents() {
            @Override
            public void passEnded() {
                passEnded.countDown();
            }
        }))) {
            e.registerDevice(DeviceSpec.of("card.1", "codec").withCompatible("card")); // waits for the codec
            e.registerDevice(DeviceSpec.of("card.2").withCompatible("card")); // after it on the bus: the walk goes on
            Thread registering = new Thread(() -> e.registerDriver(DriverSpec.of("card")), "insmod-card");
            walker.set(registering);
            registering.start();
            assertTrue(walkHeld.await(10, TimeUnit.SECONDS), "the walk never reached card.2");
            assertEquals(DeviceState.DEFERRED, e.snapshot().stateOf("card.1"), "card.1 deferred in the walk");

            e.trigger(); // another module's bind, as kirkwood-pcm-audio's in the report
            assertTrue(passEnded.await(10, TimeUnit.SECONDS), "the deferred pass never ran");
            walkGoesOn.countDown();
            registering.join();

            e.registerDevice(DeviceSpec.of("codec"));
            e.registerDriver(DriverSpec.of("codec")); // binds, publishes "codec", triggers
            assertTrue(e.awaitQuiescence(QUIESCE));
            Snapshot s = e.snapshot();
            assertEquals(DeviceState.BOUND, s.stateOf("codec"));
            assertEquals(DeviceState.BOUND, s.stateOf("card.2"));
            assertTrue(s.drivers().contains("card"), "the card's driver is registered");
            if (type == EngineType.RACY_2012) {
                assertEquals(DeviceState.UNBOUND, s.stateOf("card.1"),
                        "racy-2012: the pass found no driver for card.1 and dropped it from the lists: lost for good");
                assertFalse(s.deferred().containsKey("card.1"));
            } else {
                assertEquals(DeviceState.BOUND, s.stateOf("card.1"), "the kernel retried card.1 with its listed driver");
            }
        }
    }
}
