package org.deferprobe.engine;

/**
 * Told of every lock an engine takes and releases, for lock-order validation (the soak's lockdep).
 *
 * <p>Called on the locking thread: {@link #acquiring} before it tries to take a lock, {@link #acquired} right
 * after the lock was taken, {@link #released} right before it is released, so for one thread the calls nest
 * like the locks. Reentrant acquisitions are reported
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

    /**
     * Called on the locking thread right before it tries to take a lock, which may block. A lockdep-style
     * validator reports here what would deadlock: a non-reentrant lock the thread already holds ("possible
     * recursive locking detected"), before the thread blocks on itself.
     *
     * @param reentrant true if the lock may be taken again by the thread that holds it
     */
    default void acquiring(String lockClass, Object lock, boolean reentrant) {
    }

    void acquired(String lockClass, Object lock);

    void released(String lockClass, Object lock);
}
