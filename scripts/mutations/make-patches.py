#!/usr/bin/env python3
"""Writes scripts/mutations/NN-*.patch: one deliberate break of one guarantee each, and the test that must fail.

Run from the repository root after the engine changed (`bash scripts/mutations/run.sh --check` says which patches
no longer apply): python3 scripts/mutations/make-patches.py [NAME...]. Each entry: name, the guarantee, the file,
the exact text to replace (it must occur once) and its replacement, and the module and test that must fail.
"""
import subprocess, sys, os
E='engine/src/main/java/org/deferprobe/engine/'
muts = [
 ("01-work-counted-after-queuing", "M13: a request is counted before anyone can coalesce into it (issue 9, bug 3)",
  E+'CoalescingWork.java',
  '''                    tracker.begin(); // counted before it is QUEUED: nobody can coalesce into an uncounted run
                    if (state.compareAndSet(IDLE, QUEUED)) { // linearization point: queued
                        submit();''',
  '''                    if (state.compareAndSet(IDLE, QUEUED)) { // linearization point: queued
                        tracker.begin(); // counted before it is QUEUED: nobody can coalesce into an uncounted run
                        submit();''',
  "engine", "CoalescingWorkTest#aRequestIsCountedBeforeAnotherCanCoalesceIntoIt"),
 ("02-driver-name-freed-before-detach", "M3: a driver's name stays taken until its devices are detached (issue 9, bug 1)",
  E+'AbstractEngine.java',
  '''            drv.awaitNoProbes();
            drv.removed = true;''',
  '''            registry.releaseDriverName(drv);
            drv.awaitNoProbes();
            drv.removed = true;''',
  "engine", "KernelEngineTest#m3_aDriverReloadedWhileItsOldInstanceDetachesLosesNoAttach"),
 ("03-device-indexed-without-recheck", "M1: a device removed before its indexing leaves nothing indexed (issue 9, bug 2)",
  E+'Registry.java',
  '''        if (!indexWithoutRecheck && !d.registered) { // R: claimed for removal between the insertion and the indexing''',
  '''        if (false) { // R: claimed for removal between the insertion and the indexing''',
  "engine", "RegistryTest#aDeviceRemovedBeforeItWasIndexedLeavesNothingInTheIndex"),
 ("04-driver-indexed-without-recheck", "M1: a driver removed before its indexing leaves nothing indexed (issue 9, bug 2)",
  E+'Registry.java',
  '''        if (!indexWithoutRecheck && !drv.registered) { // R: an unregistration claimed it between the insertion and the indexing''',
  '''        if (false) { // R: an unregistration claimed it between the insertion and the indexing''',
  "engine", "RegistryTest#aDriverRemovedBeforeItWasIndexedLeavesNothingInTheIndex"),
 ("05-postponed-walk-not-counted", "M13: a bus walk postponed by a probe (M11) is outstanding work until it ran",
  E+'LockFreeCore.java',
  [('''        work.begin(); // M13: outstanding until run; begun inside the probe, which is outstanding itself
''', ''), ('''                } finally {
                    work.end();
                }''', '''                } finally {
                }''')],
  None,
  "engine", "LockFreeEnginesTest#quiescenceCoversAWalkPostponedByASyncProbeOnAnOutsideThread"),
 ("06-no-trigger-count-recheck", "M8: a trigger while a probe runs is not lost (the trigger-count recheck)",
  E+'AbstractEngine.java',
  '''        if (triggerCount.get() != triggersBefore) {''',
  '''        if (false) {''',
  "engine", "KernelEngineTest#m8_aTriggerWhileTheProbeRunsIsNotLost"),
 ("07-no-dead-fence", "M9: removal wins over a scheduled async attach (the dead fence)",
  E+'AbstractEngine.java',
  '''    void markDead(Device d) {
        d.dead = true;''',
  '''    void markDead(Device d) {''',
  "engine", "KernelEngineTest#m9_removalWinsOverAScheduledAsyncAttach"),
 ("08-driver-removal-does-not-wait", "M10: driver removal waits for its in-flight probes",
  E+'AbstractEngine.java',
  '''            drv.awaitNoProbes();
''',
  '',
  "engine", "KernelEngineTest#m10_driverRemovalWaitsForItsProbesUnbindsAndNeverProbesAgain"),
 ("09-dirty-run-lost", "M7: a request while the work runs makes it run once more",
  E+'CoalescingWork.java',
  '''                    if (state.compareAndSet(RUNNING, RUNNING_DIRTY)) { // linearization point: one more run
                        return true;
                    }''',
  '''                    return true;''',
  "engine", "CoalescingWorkTest#addedWhileRunningRunsExactlyOnceMore"),
 ("10-stale-node-left-behind", "M5: no stale queue node outlives a removal that overtook its add",
  E+'DeferredQueue.java',
  '''        if (d.queuedNode != n) {
            nodes.remove(n); // a remover owned it between the CAS and the offer: unlink the stale node
        }''',
  '',
  "engine", "DeferredQueueLincheckTest#noEnqueueIsClaimedTwiceOrLostAndADeviceIsQueuedAtMostOnce"),
 ("11-parked-consumer-misses-publication", "no lost wake-up: a consumer parking after a publication rescues itself (indexed)",
  E+'IndexedEngine.java',
  '''        boolean missed = s.published.get() > 0 // a publication after the check: its drain may have missed us
                || lastWakeAll.get() > triggersBefore; // an explicit trigger since the probe began''',
  '''        boolean missed = lastWakeAll.get() > triggersBefore; // an explicit trigger since the probe began''',
  "engine", "LockFreeEnginesTest#aPublicationBetweenCheckAndDeferralStillWakesTheDevice"),
 ("12-walk-under-the-probes-lock", "M11: a driver registered from a probe walks its bus only once the probe's lock is released",
  E+'LockFreeCore.java',
  '''        if (h.depth == 0) {
            return false;
        }''',
  '''        if (true) {
            return false;
        }''',
  "engine", "LockFreeEnginesTest#probesRegisteringDriversIntoEachOthersBusesNeitherDeadlockNorLoseAttaches"),
 ("13-late-publication-does-not-trigger", "B2 fixed: a resource published after its provider's probe returned wakes its consumer",
  E+'AbstractEngine.java',
  '''        if (publishedNow && publicationTriggers()) {''',
  '''        if (false) {''',
  "engine", "LockFreeEngineTest#m15_aLatePublishedResourceWakesItsConsumerExceptOnTheKernel"),
 ("14-probe-of-a-probing-device", "M4: at most one probe of a device at a time",
  E+'AbstractEngine.java',
  '''        if (attachSeesDead(d) || d.driver != null || d.state == DeviceState.PROBING) {
            return ProbeOutcome.NOT_CALLED;
        }''',
  '''        if (attachSeesDead(d) || d.driver != null) {
            return ProbeOutcome.NOT_CALLED;
        }''',
  "engine", "GlobalLockEngineTest#m4_aProbeRegisteringADriverForItsOwnDeviceIsNeverReentered"),
 ("15-device-name-freed-before-detach", "M9: a device's name stays taken until its unregistration detached it (device_del's order)",
  E+'AbstractEngine.java',
  '''            removed(d);
            detachRemovedDevice(d, true); // its name stays taken until then: a same-name registration is refused''',
  '''            registry.releaseDeviceName(d);
            removed(d);
            detachRemovedDevice(d, false); // its name stays taken until then: a same-name registration is refused''',
  "engine", "KernelEngineTest#m9_m16_aDeviceReRegisteredWhileItsRemovalRunsNeverMeetsItsOldChildren"),
 ("16-supplier-unbind-skips-a-probing-consumer", "M17: a supplier's unbind unbinds a consumer whose probe passed the check",
  E+'DeviceLinks.java',
  '''        return set.stream().filter(c -> !c.dead && !relaxed.contains(pair(c.name, supplier.name))).toList();''',
  '''        return set.stream().filter(c -> c.driver != null && !c.dead && !relaxed.contains(pair(c.name, supplier.name))).toList();''',
  "engine", "KernelEngineTest#fwDevlinkOn_aSupplierUnbindingDuringItsConsumersProbeUnbindsTheConsumerOnceItBinds"),
 ("17-suppliers-not-checked-before-probe", "M17: with fw_devlink on, a consumer defers before its probe until its suppliers bind",
  E+'AbstractEngine.java',
  '''            String supplier = links.blockingSupplier(d, resources); // really_probe: device_links_check_suppliers''',
  '''            String supplier = null; // really_probe: device_links_check_suppliers''',
  "engine", "LockFreeEngineTest#fwDevlinkOn_aConsumerDefersBeforeItsProbeUntilItsSupplierBinds"),
 ("18-timeout-not-pushed-back", "M18: a driver registered while the deferred_probe_timeout is pending pushes it back",
  E+'BootPhases.java',
  '''            if (timeout != null && timeout.cancel(false)) { // cancelled while pending: the count stays ours''',
  '''            if (false) { // cancelled while pending: the count stays ours''',
  "engine", "IndexedEngineTest#lateInitcall_aDriverRegisteredWhileTheTimeoutIsPendingPushesItBack"),
 ("19-deferred-probing-enabled-from-the-start", "M18: no deferred pass runs before late_initcall",
  E+'BootPhases.java',
  '''        this.enabled = !startDisabled;''',
  '''        this.enabled = true;''',
  "engine", "KernelEngineTest#lateInitcall_deferredProbingWaitsForItThenRetriesEverything"),
 ("20-device-probe-waits-for-the-timeout", "wait_for_device_probe: settles with probes done, not waiting for a pending deferred_probe_timeout",
  E+'AbstractEngine.java',
  '''        return work.await(timeout, boot::pendingTimeoutWork);''',
  '''        return work.await(timeout);''',
  "engine", "KernelEngineTest#awaitDeviceProbe_waitsForProbesInFlightButNotForAPendingTimeout"),
 ("21-device-probe-ignores-a-handed-off-timeout", "wait_for_device_probe: a timeout whose work has started is waited for like a probe",
  E+'BootPhases.java',
  '''        return timeout != null ? 1 : 0;''',
  '''        return 1;''',
  "engine", "KernelEngineTest#awaitDeviceProbe_waitsForATimeoutWhoseWorkHasStarted"),
 ("22-driver-walks-before-it-is-listed", "B1, 2012 window: a driver joins the bus's list before its walk (190888ac01d0), so a deferred pass during the walk finds it",
  E+'AbstractEngine.java',
  '''        Driver drv = registry.addDriver(spec);
        if (drv != null) {
            events.driverRegistered(drv.name);
            attachRegisteredDriver(drv);
        }''',
  '''        Driver drv = registry.addDriverUnlisted(spec);
        if (drv != null) {
            events.driverRegistered(drv.name);
            attachRegisteredDriver(drv);
            registry.listDriver(drv);
        }''',
  "engine", "Racy2012WindowTest"),
]
only = sys.argv[1:]
for name, guarantee, path, old, new, module, test in muts:
    if only and name not in only: continue
    src = open(path).read()
    pairs = old if isinstance(old, list) else [(old, new)]
    bad = [o for o, n in pairs if src.count(o) != 1]
    if bad:
        print("NOT UNIQUE/NOT FOUND", name, bad); continue
    for o, n in pairs:
        src = src.replace(o, n)
    open(path,'w').write(src)
    diff = subprocess.run(['git','diff','--',path],capture_output=True,text=True).stdout
    subprocess.run(['git','checkout','--',path])
    with open('scripts/mutations/%s.patch'%name,'w') as f:
        f.write('# guarantee: %s\n# test: %s %s\n' % (guarantee, module, test))
        f.write(diff)
    print("wrote", name)
