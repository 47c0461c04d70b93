/**
 * The command line ({@link org.deferprobe.stress.Main}): {@code run} executes a scenario on one engine or on
 * every real engine and reports per docs/scenario-format.md's CLI contract; {@code soak} runs seeded rounds of
 * concurrent operations on one engine or every real one and checks the invariants of docs/soak.md: the workload
 * ({@code SoakWorkload}, {@code RoundPlan}), a round and its watchdog ({@code SoakRound}, {@code ThreadDumps}),
 * the checks ({@code Invariants}), the lockdep-style {@code LockOrderValidator}, and the loop with its status and
 * reports ({@code Soak}).
 *
 * <p>Conventions: bad input or usage is one line on stderr and exit status 2, never a stack trace; the
 * scenario file's problems come from {@link org.deferprobe.workload.ScenarioException} unchanged, flag problems
 * name the flag. Engines are made only through {@link org.deferprobe.engine.EngineType}.
 */
package org.deferprobe.stress;
