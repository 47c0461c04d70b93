package org.deferprobe.engine;

/** How a driver's probe is run (model rule M12). */
public enum ProbeType {
    /** The probe runs on the registering thread; registration waits for it. */
    SYNC,
    /** The probe runs on the engine's executor; registration returns at once. */
    ASYNC
}
