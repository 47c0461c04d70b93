/**
 * Seeing a run: what the engine did, recorded per thread ({@link org.deferprobe.workload.trace.RunRecorder},
 * {@link org.deferprobe.workload.trace.Recording}), read back as attempts, binds, publications, dependency arrows
 * and the critical path ({@link org.deferprobe.workload.trace.Timeline}), and shown as a Chrome Trace Event Format
 * file ({@link org.deferprobe.workload.trace.ChromeTrace}, checked by {@link org.deferprobe.workload.trace.TraceCheck})
 * or an HTML timeline ({@link org.deferprobe.workload.trace.TimelineHtml}).
 *
 * <p>Conventions: times are {@code System.nanoTime()} values until they are written; written, they are relative to
 * the run's first event (its start). The recorder is the only class used by several threads at once; the
 * others are built and read on one thread after the run.
 */
package org.deferprobe.workload.trace;
