/**
 * Scenarios (docs/scenario-format.md) and the runner shared by the CLI, the tests and the benchmarks.
 *
 * <p>Public: the model ({@link org.deferprobe.workload.Scenario}, {@link org.deferprobe.workload.Step},
 * {@link org.deferprobe.workload.Expect}), loading and writing ({@link org.deferprobe.workload.ScenarioLoader},
 * {@link org.deferprobe.workload.ScenarioJson}, {@link org.deferprobe.workload.ScenarioException}) and running
 * ({@link org.deferprobe.workload.ScenarioRunner}, {@link org.deferprobe.workload.RunResult}).
 *
 * <p>Conventions: files are validated at load, strictly; a loaded scenario is valid, so the runner does not
 * re-check names. Error messages are one line: {@code FILE: JSON.PATH: problem, got VALUE}.
 */
package org.deferprobe.workload;
