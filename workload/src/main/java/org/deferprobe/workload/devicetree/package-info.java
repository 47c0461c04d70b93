/**
 * Flattened device trees ({@code .dtb}) as scenarios: the rules of docs/scenario-format.md, "Device trees".
 *
 * <p>Public: {@link org.deferprobe.workload.devicetree.DeviceTreeScenario} (load one board or a rack of
 * boards), {@link org.deferprobe.workload.devicetree.DeviceTreeStats} (numbers for reports),
 * {@link org.deferprobe.workload.devicetree.DeviceTreeException} (the one error, one line naming the file)
 * and {@link org.deferprobe.workload.devicetree.BoardSurvey} (a runnable survey of real boards).
 * The blob parser ({@code Fdt}) and the supplier rules ({@code Suppliers}) are package-private.
 *
 * <p>Conventions: a blob is untrusted input. Every offset and length read from it is checked against the
 * blob before use, every allocation is bounded by the blob's size, every walk is bounded by the node count,
 * and every failure is a {@code DeviceTreeException} whose message names the file, the block and the
 * offset in hex. No third-party dependency.
 */
package org.deferprobe.workload.devicetree;
