package org.deferprobe.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model-checks {@link Registry} (M1): registrations and removals of two device names and two driver
 * names, all matching one key, from three threads. Registering and removing by name must be linearizable
 * (a driver's or device's name stays taken while its removal runs, as the engines' unregisterDriver and
 * unregisterDevice do it: claim, then release), and at rest the match index must hold exactly the live devices and registered drivers
 * ({@link Registry#audit()} empty). The flawed variant (no re-check after indexing, as before issue 9) must
 * be caught: a removal that overtakes a registration's indexing leaves the removed one indexed.
 */
class RegistryLincheckTest {

    @Param(name = "name", gen = IntGen.class, conf = "0:1")
    abstract static class Ops {
        private static final DeviceSpec[] DEVICES = {DeviceSpec.of("dev0").withCompatible("k"),
            DeviceSpec.of("dev1").withCompatible("k")};
        private static final DriverSpec[] DRIVERS = {DriverSpec.of("drv0").withMatches("k"),
            DriverSpec.of("drv1").withMatches("k")};
        final Registry registry;

        Ops(Set<TestFlaw> flaws) {
            registry = new Registry(Registry.Pause.NONE, flaws);
        }

        @Operation
        public boolean addDevice(@Param(name = "name") int i) {
            try {
                registry.addDevice(DEVICES[i]);
                return true;
            } catch (IllegalStateException alreadyLive) {
                return false;
            }
        }

        /** unregisterDevice's registry steps: claim (off the index), then release the name. */
        @Operation
        public boolean removeDevice(@Param(name = "name") int i) {
            Device d = registry.claimDeviceRemoval(DEVICES[i].name());
            return d != null && registry.releaseDeviceName(d);
        }

        @Operation
        public boolean addDriver(@Param(name = "name") int i) {
            return registry.addDriver(DRIVERS[i]) != null;
        }

        /** unregisterDriver's registry steps: claim (off the index), then release the name. */
        @Operation
        public boolean removeDriver(@Param(name = "name") int i) {
            Driver drv = registry.driver(DRIVERS[i].name());
            return drv != null && registry.claimDriverRemoval(drv) && registry.releaseDriverName(drv);
        }

        void indexHoldsExactlyTheLive() {
            List<String> problems = registry.audit();
            if (!problems.isEmpty()) {
                throw new IllegalStateException("at rest: " + problems);
            }
        }
    }

    public static class Real extends Ops {
        public Real() {
            super(Set.of());
        }

        @Validate
        public void validate() {
            indexHoldsExactlyTheLive();
        }
    }

    public static class IndexWithoutRecheck extends Ops {
        public IndexWithoutRecheck() {
            super(Set.of(TestFlaw.INDEX_WITHOUT_RECHECK));
        }

        @Validate
        public void validate() {
            indexHoldsExactlyTheLive();
        }
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions().iterations(15).invocationsPerIteration(100).threads(2).actorsPerThread(2)
                .minimizeFailedScenario(false)
                // the JDK collections are linearizable: their steps are not what is under test
                .addGuarantee(forClasses("java.util.concurrent.CopyOnWriteArrayList").allMethods().treatAsAtomic());
    }

    @Test
    void registrationAndRemovalAreLinearizableAndTheIndexHoldsExactlyTheLive() {
        options().check(Real.class);
    }

    @Test
    void indexingWithoutTheRecheckIsCaught() {
        LincheckAssertionError caught = assertThrows(LincheckAssertionError.class,
                () -> options().check(IndexWithoutRecheck.class));
        System.out.println("caught as expected:" + caught.getMessage().lines().limit(12).toList());
    }
}
