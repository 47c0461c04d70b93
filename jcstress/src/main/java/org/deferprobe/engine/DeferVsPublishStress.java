package org.deferprobe.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Set;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Defer vs publish (M8, no lost wake-up): a consumer's probe checks its resource while the provider binds and
 * publishes it. Forbidden: the consumer stays deferred. The flawed variants skip the recheck after the
 * deferral (no trigger-count recheck; no rescue after parking) and must show the forbidden outcome.
 */
public class DeferVsPublishStress {
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound: it saw r, or the publication or the recheck retried it")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "consumer deferred after r was published and never retried (lost wake-up)")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class LockFree {
        private final Fixtures.DeferVsPublish f = new Fixtures.DeferVsPublish(EngineType.LOCK_FREE, Set.of());

        @Actor
        public void consumer() {
            f.consumer();
        }

        @Actor
        public void publisher() {
            f.publisher();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound: it saw r, or the publication or the recheck retried it")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "consumer deferred after r was published and never retried (lost wake-up)")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class Indexed {
        private final Fixtures.DeferVsPublish f = new Fixtures.DeferVsPublish(EngineType.INDEXED, Set.of());

        @Actor
        public void consumer() {
            f.consumer();
        }

        @Actor
        public void publisher() {
            f.publisher();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound")
    @Outcome(id = "0", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: deferred after r was published, never retried")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class FlawedLockFree {
        private final Fixtures.DeferVsPublish f = new Fixtures.DeferVsPublish(EngineType.LOCK_FREE, Set.of(TestFlaw.NO_RECHECK_AFTER_DEFER));

        @Actor
        public void consumer() {
            f.consumer();
        }

        @Actor
        public void publisher() {
            f.publisher();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound")
    @Outcome(id = "0", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: deferred after r was published, never retried")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class FlawedIndexed {
        private final Fixtures.DeferVsPublish f = new Fixtures.DeferVsPublish(EngineType.INDEXED, Set.of(TestFlaw.NO_RECHECK_AFTER_DEFER));

        @Actor
        public void consumer() {
            f.consumer();
        }

        @Actor
        public void publisher() {
            f.publisher();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }
}
