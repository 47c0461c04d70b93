package org.deferprobe.workload.realboot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deferprobe.workload.realboot.BootEvent.AddedToDeferredList;
import org.deferprobe.workload.realboot.BootEvent.Bound;
import org.deferprobe.workload.realboot.BootEvent.DeferralRequested;
import org.deferprobe.workload.realboot.BootEvent.DeferredProbePending;
import org.deferprobe.workload.realboot.BootEvent.DeviceAdded;
import org.deferprobe.workload.realboot.BootEvent.DeviceRemoved;
import org.deferprobe.workload.realboot.BootEvent.LinkDropped;
import org.deferprobe.workload.realboot.BootEvent.LinkRelaxed;
import org.deferprobe.workload.realboot.BootEvent.Linked;
import org.deferprobe.workload.realboot.BootEvent.MatchDeferred;
import org.deferprobe.workload.realboot.BootEvent.Matched;
import org.deferprobe.workload.realboot.BootEvent.ProbeBound;
import org.deferprobe.workload.realboot.BootEvent.ProbeFailed;
import org.deferprobe.workload.realboot.BootEvent.ProbeRejected;
import org.deferprobe.workload.realboot.BootEvent.ProbeReturned;
import org.deferprobe.workload.realboot.BootEvent.Probing;
import org.deferprobe.workload.realboot.BootEvent.RemovedFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.RetryingFromDeferredList;
import org.deferprobe.workload.realboot.BootEvent.Stamp;
import org.deferprobe.workload.realboot.BootEvent.SupplierNotReady;
import org.deferprobe.workload.realboot.BootEvent.WaitForSupplier;
import org.deferprobe.workload.realboot.ProbeAttempt.Outcome;

/**
 * Folds a log's events, in order, into one {@link DeviceHistory} per device. Single-threaded, used once.
 */
final class HistoryBuilder {
    /* Implementation notes
     *
     * An attempt opens at dd.c's "matched" line and takes its outcome from the first line that decides it
     * (supplier not ready, driver requests deferral, failed, rejects match, bound); initcall_debug's "probe of
     * DEV returned R" closes it and decides it if nothing did: R = 517 (positive: really_probe negates the
     * driver's errors) is the driver's deferral; -517 is the core's, before "probing driver" a supplier link,
     * after it pinctrl_bind_pins or DMA setup; 0 is a bind when one was logged. A deferral decided by the return
     * value alone gets its reason then. In 6.1 really_probe returns 0 after a failed probe too (so the next driver
     * may try), which is why a failure line, not the return value, decides FAILED. Attempts are keyed by
     * device: the device lock serializes a device's probes, so one device never has two open attempts; a new
     * "matched" line for a device with an open attempt closes the old one as it stands (the log lost its end).
     * Deferred-list membership follows dd.c's own lines: Added (driver_deferred_probe_add), Retrying (the
     * deferred work takes it off), Removed (driver_deferred_probe_del, also on bind).
     */

    private static final int EPROBE_DEFER = 517;

    private final Map<String, Dev> devices = new LinkedHashMap<>();
    private int openAtEnd;

    private static final class Dev {
        final String name;
        String bus = "";
        final List<ProbeAttempt> attempts = new ArrayList<>();
        Open open;
        int matchDeferrals;
        final List<String> reasons = new ArrayList<>();
        final Set<String> suppliers = new LinkedHashSet<>();
        final Set<String> relaxed = new LinkedHashSet<>();
        int retries;
        boolean pending;
        boolean onList;
        boolean removed;
        String driver;

        Dev(String name) {
            this.name = name;
        }
    }

    /** An attempt whose outcome may not be known yet. */
    private static final class Open {
        final String driver;
        final Stamp stamp;
        boolean probing;
        Outcome outcome;
        String detail;
        boolean reasonLogged;
        long usecs = -1;

        Open(String driver, Stamp stamp) {
            this.driver = driver;
            this.stamp = stamp;
        }

        ProbeAttempt close() {
            return new ProbeAttempt(driver, stamp, probing, outcome == null ? Outcome.UNKNOWN : outcome, detail, usecs);
        }

        void decide(Outcome o, String d) {
            if (outcome == null) {
                outcome = o;
                detail = d;
            }
        }
    }

    private Dev dev(String name) {
        return devices.computeIfAbsent(name, Dev::new);
    }

    void accept(BootEvent e) {
        if (e instanceof Matched m) {
            Dev d = dev(m.device());
            d.bus = m.bus();
            closeOpen(d);
            d.open = new Open(m.driver(), m.stamp());
        } else if (e instanceof Probing p) {
            Dev d = dev(p.device());
            d.bus = p.bus();
            if (d.open == null || !d.open.driver.equals(p.driver())) {
                closeOpen(d); // the log lost the "matched" line
                d.open = new Open(p.driver(), p.stamp());
            }
            d.open.probing = true;
        } else if (e instanceof SupplierNotReady s) {
            Dev d = dev(s.device());
            d.reasons.add("supplier " + s.supplier());
            dev(s.supplier());
            if (d.open != null) {
                d.open.decide(Outcome.SUPPLIER_NOT_READY, s.supplier());
                d.open.reasonLogged = true;
            }
        } else if (e instanceof WaitForSupplier w) {
            Dev d = dev(w.device());
            d.reasons.add("wait for supplier " + w.supplierNode());
            if (d.open != null) {
                d.open.decide(Outcome.SUPPLIER_NOT_READY, w.supplierNode());
                d.open.reasonLogged = true;
            }
        } else if (e instanceof DeferralRequested r) {
            Dev d = dev(r.device());
            d.reasons.add("driver " + r.driver());
            if (d.open != null) {
                d.open.decide(Outcome.DEFERRED_BY_DRIVER, null);
                d.open.reasonLogged = true;
            }
        } else if (e instanceof ProbeFailed f) {
            Dev d = dev(f.device());
            if (d.open != null) {
                d.open.decide(Outcome.FAILED, Integer.toString(f.error()));
            }
        } else if (e instanceof ProbeRejected r) {
            Dev d = dev(r.device());
            if (d.open != null) {
                d.open.decide(Outcome.REJECTED, Integer.toString(r.error()));
            }
        } else if (e instanceof ProbeBound b) {
            bound(dev(b.device()), b.driver());
            dev(b.device()).bus = b.bus();
        } else if (e instanceof Bound b) {
            bound(dev(b.device()), b.driver());
        } else if (e instanceof ProbeReturned r) {
            returned(r);
        } else if (e instanceof MatchDeferred m) {
            Dev d = dev(m.device());
            d.bus = m.bus();
            d.matchDeferrals++;
            d.reasons.add("match");
        } else if (e instanceof AddedToDeferredList a) {
            dev(a.device()).onList = true;
        } else if (e instanceof RemovedFromDeferredList r) {
            dev(r.device()).onList = false;
        } else if (e instanceof RetryingFromDeferredList r) {
            Dev d = dev(r.device());
            d.onList = false;
            d.retries++;
        } else if (e instanceof DeferredProbePending p) {
            Dev d = dev(p.device());
            d.pending = true;
            d.onList = true;
        } else if (e instanceof Linked l) {
            if (!l.syncStateOnly()) {
                dev(l.consumer()).suppliers.add(l.supplier());
                dev(l.supplier());
            }
        } else if (e instanceof LinkDropped l) {
            Dev d = devices.get(l.consumer());
            if (d != null) {
                d.suppliers.remove(l.supplier());
                d.relaxed.remove(l.supplier());
            }
        } else if (e instanceof LinkRelaxed l) {
            Dev d = dev(l.consumer());
            if (d.suppliers.remove(l.supplier())) {
                d.relaxed.add(l.supplier());
            }
        } else if (e instanceof DeviceRemoved r) {
            Dev d = devices.get(r.device());
            if (d != null) {
                closeOpen(d);
                d.removed = true;
                d.onList = false;
                d.driver = null;
            }
        } else if (e instanceof DeviceAdded a) {
            Dev d = devices.get(a.device());
            if (d != null) {
                d.removed = false;
            }
        }
    }

    private void bound(Dev d, String driver) {
        d.driver = driver;
        d.onList = false;
        d.removed = false;
        if (d.open != null) {
            d.open.decide(Outcome.BOUND, null);
        }
    }

    private void returned(ProbeReturned r) {
        Dev d = devices.get(r.device());
        if (d == null || d.open == null) {
            return; // the log starts after this attempt's "matched" line
        }
        Open o = d.open;
        o.usecs = r.usecs();
        if (r.result() == EPROBE_DEFER) {
            o.decide(Outcome.DEFERRED_BY_DRIVER, null);
        } else if (r.result() == -EPROBE_DEFER) {
            o.decide(o.probing ? Outcome.DEFERRED_BY_CORE : Outcome.SUPPLIER_NOT_READY, null);
        } else if (r.result() == 0 && o.driver.equals(d.driver)) {
            o.decide(Outcome.BOUND, null);
        } else if (r.result() < 0) {
            o.decide(Outcome.FAILED, Integer.toString(r.result()));
        }
        closeOpen(d);
    }

    private static void closeOpen(Dev d) {
        Open o = d.open;
        if (o == null) {
            return;
        }
        if (!o.reasonLogged && o.outcome != null) {
            switch (o.outcome) {
                case DEFERRED_BY_DRIVER -> d.reasons.add("driver " + o.driver);
                case SUPPLIER_NOT_READY -> d.reasons.add("supplier ?");
                case DEFERRED_BY_CORE -> d.reasons.add("core");
                default -> {
                }
            }
        }
        d.attempts.add(o.close());
        d.open = null;
    }

    /** The histories, in order of first appearance; attempts still open are closed as they stand. */
    Map<String, DeviceHistory> finish() {
        Map<String, DeviceHistory> out = new LinkedHashMap<>();
        for (Dev d : devices.values()) {
            if (d.open != null) {
                openAtEnd++;
                closeOpen(d);
            }
            DeviceHistory.FinalState state;
            if (d.removed) {
                state = DeviceHistory.FinalState.REMOVED;
            } else if (d.driver != null) {
                state = DeviceHistory.FinalState.BOUND;
            } else if (d.onList) {
                state = DeviceHistory.FinalState.DEFERRED;
            } else if (!d.attempts.isEmpty()) {
                state = DeviceHistory.FinalState.PROBE_FAILED;
            } else {
                state = DeviceHistory.FinalState.NEVER_PROBED;
            }
            out.put(d.name, new DeviceHistory(d.name, d.bus, d.attempts, d.matchDeferrals, d.reasons,
                    new ArrayList<>(d.suppliers), new ArrayList<>(d.relaxed), d.retries, d.pending, state, d.driver));
        }
        return out;
    }

    /** Attempts the log ended during (known after {@link #finish}). */
    int openAtEnd() {
        return openAtEnd;
    }
}
