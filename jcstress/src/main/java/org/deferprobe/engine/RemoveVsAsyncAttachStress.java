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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Remove vs async attach (M9): a device is unregistered while its async attach is scheduled and run by the
 * worker. Forbidden: the device is bound after its removal returned. The flawed variants do not mark the
 * device dead (no M9 fence) and must show the forbidden outcome. Results: r1 probe ran, r2 bound at the end.
 */
public class RemoveVsAsyncAttachStress {
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "removal first: the attach found the device dead and did not probe")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "attach first: bound, then removal unbound it")
    @Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "bound after removal (B3)")
    @State
    public static class LockFree {
        private final Fixtures.RemoveVsAsyncAttach f = new Fixtures.RemoveVsAsyncAttach(EngineType.LOCK_FREE, Set.of());

        @Actor
        public void remove() {
            f.remove();
        }

        @Actor
        public void attach() {
            f.attach();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            int[] x = new int[2];
            f.arbiter(x);
            r.r1 = x[0];
            r.r2 = x[1];
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "removal first: the attach found the device dead and did not probe")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "attach first: bound, then removal unbound it")
    @Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "bound after removal (B3)")
    @State
    public static class Indexed {
        private final Fixtures.RemoveVsAsyncAttach f = new Fixtures.RemoveVsAsyncAttach(EngineType.INDEXED, Set.of());

        @Actor
        public void remove() {
            f.remove();
        }

        @Actor
        public void attach() {
            f.attach();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            int[] x = new int[2];
            f.arbiter(x);
            r.r1 = x[0];
            r.r2 = x[1];
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "removal first, attach did not probe")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "attach first: bound, then removal unbound it")
    @Outcome(id = ".*, 1", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: bound after removal (B3)")
    @State
    public static class FlawedLockFree {
        private final Fixtures.RemoveVsAsyncAttach f = new Fixtures.RemoveVsAsyncAttach(EngineType.LOCK_FREE, Set.of(TestFlaw.NO_REMOVAL_FENCE));

        @Actor
        public void remove() {
            f.remove();
        }

        @Actor
        public void attach() {
            f.attach();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            int[] x = new int[2];
            f.arbiter(x);
            r.r1 = x[0];
            r.r2 = x[1];
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "removal first, attach did not probe")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "attach first: bound, then removal unbound it")
    @Outcome(id = ".*, 1", expect = ACCEPTABLE_INTERESTING, desc = "the flaw at work: bound after removal (B3)")
    @State
    public static class FlawedIndexed {
        private final Fixtures.RemoveVsAsyncAttach f = new Fixtures.RemoveVsAsyncAttach(EngineType.INDEXED, Set.of(TestFlaw.NO_REMOVAL_FENCE));

        @Actor
        public void remove() {
            f.remove();
        }

        @Actor
        public void attach() {
            f.attach();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            int[] x = new int[2];
            f.arbiter(x);
            r.r1 = x[0];
            r.r2 = x[1];
        }
    }
}
