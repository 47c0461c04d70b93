package org.deferprobe.engine;

/**
 * A test seam: called by the simulated probe on the probing thread, after it checked the device's
 * requirements and before it sleeps, spins and returns. Tests use it to force interleavings (block the
 * probe on a latch while another thread triggers, publishes or removes); the soak uses it to observe.
 *
 * <p>May throw: a throwing hook is a throwing probe, which the engine counts and reports, and which fails
 * the device without killing an engine thread.
 */
@FunctionalInterface
public interface ProbeHook {
    ProbeHook NONE = (device, driver, missing) -> { };

    /**
     * @param device  the device being probed
     * @param driver  the driver whose probe runs
     * @param missing the first missing requirement, or {@code null} if all are published
     */
    void afterCheck(String device, String driver, String missing) throws Exception;
}
