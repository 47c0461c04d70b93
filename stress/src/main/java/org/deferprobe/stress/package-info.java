/**
 * The command line ({@link org.deferprobe.stress.Main}): {@code run} executes a scenario on one engine or on
 * every real engine and reports per docs/scenario-format.md's CLI contract.
 *
 * <p>Conventions: bad input or usage is one line on stderr and exit status 2, never a stack trace; the
 * scenario file's problems come from {@link org.deferprobe.workload.ScenarioException} unchanged, flag problems
 * name the flag. Engines are made only through {@link org.deferprobe.engine.EngineType}.
 */
package org.deferprobe.stress;
