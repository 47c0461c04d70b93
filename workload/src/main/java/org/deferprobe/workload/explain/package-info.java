/**
 * Why a device is still deferred after a run: {@link org.deferprobe.workload.explain.Explainer} follows each
 * deferred device's reason to whoever should provide what it waits for, recursively, down to causes a user can act
 * on ({@link org.deferprobe.workload.explain.Explanation}). It reads a run's {@link org.deferprobe.workload.RunResult}
 * and its {@link org.deferprobe.workload.trace.Timeline}; single-threaded, after the run.
 */
package org.deferprobe.workload.explain;
