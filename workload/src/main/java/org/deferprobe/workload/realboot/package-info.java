/**
 * Real boots: the kernel log (dmesg) of a Linux boot with the driver core's dynamic debug on, parsed into
 * typed events and per-device histories, and the kernel's device names mapped back to the board's device
 * tree. The logs come from scripts/realboot/capture.sh (docs/real-boots.md); the replay of a log on the
 * engines builds on this package.
 *
 * <p>Public: {@link org.deferprobe.workload.realboot.BootLog} (parse a log), its events
 * ({@link org.deferprobe.workload.realboot.BootEvent}, one record per kind of line), per-device results
 * ({@link org.deferprobe.workload.realboot.DeviceHistory}, {@link org.deferprobe.workload.realboot.ProbeAttempt}),
 * the counts ({@link org.deferprobe.workload.realboot.BootSummary}), the name mapping
 * ({@link org.deferprobe.workload.realboot.DeviceNameMap}) and a runnable report
 * ({@link org.deferprobe.workload.realboot.BootLogReport}). The line parser, the log reader, the history
 * fold and the kernel's naming rules ({@code OfNames}) are package-private.
 *
 * <p>Conventions: a log is untrusted input. Bad input is a {@link org.deferprobe.workload.ScenarioException}
 * with one line naming the file (and the line, where there is one); the CLI prints it and exits 2. A line the
 * parser does not know is skipped and counted, never an error. Where the code follows the kernel it names the
 * function and the version (6.1), and says whether the wording comes from the captured logs or from our
 * reading of the source. No third-party dependency.
 */
package org.deferprobe.workload.realboot;
