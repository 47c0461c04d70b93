/**
 * Real boots: the kernel log (dmesg) of a Linux boot with the driver core's dynamic debug on, parsed into
 * typed events and per-device histories, and the kernel's device names mapped back to the board's device
 * tree. The logs come from scripts/realboot/capture.sh (docs/real-boots.md). A log and its board's blob make a
 * scenario ({@link org.deferprobe.workload.realboot.BootReplay}), whose runs are compared with the log device by
 * device ({@link org.deferprobe.workload.realboot.ReplayComparison}, fed by
 * {@link org.deferprobe.workload.realboot.ReplayEvents}): the CLI's {@code replay}.
 *
 * <p>Public: {@link org.deferprobe.workload.realboot.BootLog} (parse a log), its events
 * ({@link org.deferprobe.workload.realboot.BootEvent}, one record per kind of line), per-device results
 * ({@link org.deferprobe.workload.realboot.DeviceHistory}, {@link org.deferprobe.workload.realboot.ProbeAttempt}),
 * the counts ({@link org.deferprobe.workload.realboot.BootSummary}), the name mapping
 * ({@link org.deferprobe.workload.realboot.DeviceNameMap}), a runnable report
 * ({@link org.deferprobe.workload.realboot.BootLogReport}) and the replay's three classes. The line parser, the log
 * reader, the history fold, the kernel's naming rules ({@code OfNames}) and the replay's timeline are
 * package-private.
 *
 * <p>Conventions: a log is untrusted input. Bad input is a {@link org.deferprobe.workload.ScenarioException}
 * with one line naming the file (and the line, where there is one); the CLI prints it and exits 2. A line the
 * parser does not know is skipped and counted, never an error. Where the code follows the kernel it names the
 * function and the version (6.1), and says whether the wording comes from the captured logs or from our
 * reading of the source. No third-party dependency.
 */
package org.deferprobe.workload.realboot;
