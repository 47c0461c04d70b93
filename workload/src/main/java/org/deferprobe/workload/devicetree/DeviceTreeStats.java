package org.deferprobe.workload.devicetree;

/**
 * The shape of one board's dependency graph, for reports (docs/device-trees.md).
 *
 * @param board         the file name
 * @param devices       devices (rule 1)
 * @param drivers       drivers, one per distinct first compatible string (rule 2)
 * @param supplierEdges distinct consumer-to-supplier dependencies found by rules 3 and 4, before relaxation
 * @param relaxedEdges  how many of those rule 5 dropped because both ends are in one strongly connected
 *                      component; the scenario's devices require {@code supplierEdges - relaxedEdges} in all
 * @param depth         the longest chain of requires after relaxation, in edges: 0 when no device requires
 *                      anything, 1 when consumers require only devices that require nothing, and so on
 */
public record DeviceTreeStats(String board, int devices, int drivers, int supplierEdges, int relaxedEdges,
                              int depth) {
    /** The dependencies the scenario keeps. */
    public int requires() {
        return supplierEdges - relaxedEdges;
    }
}
