package org.deferprobe.engine;

/**
 * The counters of model rule M14, read at one moment. Each counter is exact at quiescence;
 * while the engine runs, the fields are read one after another and need not be mutually consistent.
 *
 * @param probeCalls  calls of a driver's probe
 * @param binds       probes that returned bound
 * @param deferrals   probes that returned defer
 * @param failures    probes that returned a hard error, thrown exceptions included
 * @param probeErrors probes that threw (each is also a failure)
 * @param triggers    triggers (M6): explicit, after a bind, after a publication, and M8 re-triggers
 * @param passes      deferred passes run (M7); {@code passes <= triggers} shows coalescing
 * @param supplierDeferrals deferrals on a supplier not bound (fw_devlink), made before any probe was called: not
 *                    probe calls, not in {@code deferrals}
 */
public record Stats(long probeCalls, long binds, long deferrals, long failures, long probeErrors, long triggers,
                    long passes, long supplierDeferrals) {
}
