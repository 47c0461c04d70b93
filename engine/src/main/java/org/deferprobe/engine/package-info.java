/**
 * The driver-core model of docs/model.md and its engines.
 *
 * <p>Public: {@link org.deferprobe.engine.Engine}, {@link org.deferprobe.engine.EngineType} (the only way to
 * make one), the specs ({@link org.deferprobe.engine.DeviceSpec}, {@link org.deferprobe.engine.DriverSpec}),
 * the config and the results. Everything else is package-private: the model (devices, drivers, match
 * index, resources, the simulated probe) exists once in {@code AbstractEngine} and its helpers, and each
 * engine supplies only its synchronization. No third-party runtime dependency.
 *
 * <p>Conventions: every concurrent class states its invariants in an "Implementation notes" block after
 * the class Javadoc; "the device's guard" is whatever lock an engine's {@code lockDevice} takes.
 */
package org.deferprobe.engine;
