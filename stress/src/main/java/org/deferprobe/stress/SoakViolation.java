package org.deferprobe.stress;

import java.util.List;
import org.deferprobe.engine.KnownBug;

/**
 * One invariant broken in one round.
 *
 * @param check       the invariant's name ({@code lost-probe}, {@code deadlock}, ...)
 * @param round       the round it was found in
 * @param message     one line that names the devices (or threads and locks) involved
 * @param explainedBy the engine's declared known bug this violation is the signature of, or null
 * @param detail      more lines (a thread dump), or empty
 */
record SoakViolation(String check, int round, String message, KnownBug explainedBy, String detail) {
    static final List<String> CHECKS = List.of("lost-probe", "bound-after-removal", "probe-after-driver-removal",
            "concurrent-probe", "counter-mismatch", "quiescence-timeout", "deadlock", "livelock", "lock-order",
            "recursive-locking", "registration-blocked", "children",
            "bound-without-supplier", "index-leak", "lost-driver", "engine-error");

    SoakViolation(String check, int round, String message) {
        this(check, round, message, null, "");
    }

    SoakViolation explained(KnownBug bug) {
        return new SoakViolation(check, round, message, bug, detail);
    }
}
