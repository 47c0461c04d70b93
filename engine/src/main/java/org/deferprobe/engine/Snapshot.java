package org.deferprobe.engine;

import java.util.List;
import java.util.Map;

/**
 * What an engine reports at one moment (model rule M14).
 *
 * @param states      every live device and its state
 * @param deferred    the pending devices (on a deferred list) and the reason of their latest deferral
 * @param boundTo     every bound device and the driver it is bound to
 * @param parked      for engines that park deferred devices per resource: how many wait on each
 *                    resource (empty for engines without parking)
 * @param stats       the M14 counters
 * @param violations  breaches of the model's rules the shared model observed itself, one line each, each
 *                    starting with the name of the rule's check ({@code concurrent-probe},
 *                    {@code probe-of-dead-device}, {@code probe-after-driver-removal}, {@code engine-error});
 *                    empty for a correct engine
 * @param errors      probes that threw, one line each (the device was failed, no engine thread died)
 * @param drivers     the registered drivers, by name, sorted (the bus's drivers in sysfs); a driver whose
 *                    unregistration is under way is not listed
 * @param registryAudit what the registry's names and its match index disagree on, one line each: a removed
 *                    device or driver still indexed, or a live one missing from the index. Exact at quiescence
 *                    with no registration call running (then empty for a correct engine); a registration or
 *                    removal under way may show its own half-done entries
 * @param deferredProbePending the devices still deferred after the deferred_probe_timeout fired and its last
 *                    pass ran, with their reasons ("deferred probe pending"); empty if it never fired
 */
public record Snapshot(Map<String, DeviceState> states, Map<String, String> deferred, Map<String, String> boundTo,
                       Map<String, Integer> parked, Stats stats, List<String> violations, List<String> errors,
                       List<String> drivers, List<String> registryAudit, Map<String, String> deferredProbePending) {

    public List<String> devicesIn(DeviceState state) {
        return states.entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey).sorted().toList();
    }

    public DeviceState stateOf(String device) {
        return states.getOrDefault(device, DeviceState.DEAD);
    }
}
