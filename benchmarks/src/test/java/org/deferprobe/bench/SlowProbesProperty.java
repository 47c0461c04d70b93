package org.deferprobe.bench;

import org.junit.jupiter.api.function.Executable;

/** For tests that set the slow-probes test flaw's system property: puts it back as it was, whatever they did. */
public final class SlowProbesProperty {
    private SlowProbesProperty() {
    }

    public static void restoredAfter(Executable body) throws Throwable {
        String was = System.getProperty(Engines.SLOW_PROBES_PROPERTY);
        try {
            body.execute();
        } finally {
            if (was == null) {
                System.clearProperty(Engines.SLOW_PROBES_PROPERTY);
            } else {
                System.setProperty(Engines.SLOW_PROBES_PROPERTY, was);
            }
        }
    }
}
