package org.deferprobe.engine;

import java.util.concurrent.atomic.LongAdder;

/** The M14 counters; striped so counting never becomes the contended path it measures. */
final class Counters {
    final LongAdder probeCalls = new LongAdder();
    final LongAdder binds = new LongAdder();
    final LongAdder deferrals = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder probeErrors = new LongAdder();
    final LongAdder triggers = new LongAdder();
    final LongAdder passes = new LongAdder();
    final LongAdder supplierDeferrals = new LongAdder();

    Stats read() {
        return new Stats(probeCalls.sum(), binds.sum(), deferrals.sum(), failures.sum(), probeErrors.sum(),
                triggers.sum(), passes.sum(), supplierDeferrals.sum());
    }
}
