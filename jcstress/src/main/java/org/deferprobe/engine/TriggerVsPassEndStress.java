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
 * Trigger vs the end of a deferred pass (M7): a trigger arrives while the pass that retries the consumer is
 * finishing. Forbidden: a trigger with no pass after it (the consumer stays deferred with its resource
 * published). The flawed variants skip queuing when a pass is running and must show the forbidden outcome.
 */
public class TriggerVsPassEndStress {
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound: the running pass saw r, or a pass ran after the trigger")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "a trigger with no pass after it: consumer deferred with r published")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class LockFree {
        private final Fixtures.TriggerVsPassEnd f = new Fixtures.TriggerVsPassEnd(EngineType.LOCK_FREE, Set.of());

        @Actor
        public void pass() {
            f.pass();
        }

        @Actor
        public void trigger() {
            f.trigger();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound: the running pass saw r, or a pass ran after the trigger")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "a trigger with no pass after it: consumer deferred with r published")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class Indexed {
        private final Fixtures.TriggerVsPassEnd f = new Fixtures.TriggerVsPassEnd(EngineType.INDEXED, Set.of());

        @Actor
        public void pass() {
            f.pass();
        }

        @Actor
        public void trigger() {
            f.trigger();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound")
    @Outcome(id = "0", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: the trigger saw the pass running and queued nothing")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class FlawedLockFree {
        private final Fixtures.TriggerVsPassEnd f = new Fixtures.TriggerVsPassEnd(EngineType.LOCK_FREE, Set.of(TestFlaw.TRIGGER_SKIPS_RUNNING_PASS));

        @Actor
        public void pass() {
            f.pass();
        }

        @Actor
        public void trigger() {
            f.trigger();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "consumer bound")
    @Outcome(id = "0", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: the trigger saw the pass running and queued nothing")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "consumer neither bound nor deferred")
    @State
    public static class FlawedIndexed {
        private final Fixtures.TriggerVsPassEnd f = new Fixtures.TriggerVsPassEnd(EngineType.INDEXED, Set.of(TestFlaw.TRIGGER_SKIPS_RUNNING_PASS));

        @Actor
        public void pass() {
            f.pass();
        }

        @Actor
        public void trigger() {
            f.trigger();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = f.arbiter();
        }
    }
}
