package org.deferprobe.engine;

/**
 * Told of every lock an engine takes and releases, for lock-order validation (the soak's lockdep).
 *
 * <p>Called on the locking thread: {@link #acquired} right after the lock was taken, {@link #released} right
 * before it is released, so for one thread the calls nest like the locks. Reentrant acquisitions are reported
 * each time. Lock classes are the model's: {@value #DEVICE} (a device's guard; the lock object is the device,
 * whose {@code toString()} is its name), {@value #DEFERRED_LISTS} (deferred_probe_mutex) and {@value #GLOBAL}
 * (the global-lock engine's single lock). An engine that takes no lock reports nothing.
 *
 * <p>Must not throw and must not take engine locks. {@link #NONE} costs one call to an empty method.
 */
public interface LockObserver {
    String DEVICE = "device";
    String DEFERRED_LISTS = "deferred-lists";
    String GLOBAL = "global";

    LockObserver NONE = new LockObserver() {
        @Override
        public void acquired(String lockClass, Object lock) {
        }

        @Override
        public void released(String lockClass, Object lock) {
        }
    };

    void acquired(String lockClass, Object lock);

    void released(String lockClass, Object lock);
}
