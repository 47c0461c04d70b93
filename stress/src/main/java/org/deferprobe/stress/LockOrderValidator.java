package org.deferprobe.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.deferprobe.engine.LockObserver;

/**
 * A lock-order validator in the spirit of the kernel's lockdep, fed by an engine's {@link LockObserver}
 * events: it learns, per lock class ({@code device}, {@code deferred-lists}, {@code global}), which classes
 * are taken while which are held, and reports an inversion the first time a thread takes class B while
 * holding A after some thread took A while holding B, whether or not the two ever deadlocked.
 *
 * <p>Thread-safe; every engine thread calls it. Nesting within one class (a probe holding its device's lock
 * locks other devices, M11) is not an inversion, as lockdep does not validate device_lock either; a lock the
 * thread already holds (reentrancy) adds no order. But a thread about to take a non-reentrant lock it already
 * holds ({@link #acquiring}, before it blocks on itself) is reported as {@code recursive-locking}, naming both
 * acquisitions, as lockdep's "possible recursive locking detected" does (seed 004's splat): where each was
 * taken is recorded when the validator keeps acquisition sites ({@code run} does; the soak does not, for
 * speed, and names only the second).
 *
 * Implementation notes.
 * Per thread, a stack of held (class, lock) entries, touched only by its thread, except that the watchdog
 * reads it racily to print what a stuck thread holds. Orders are a matrix of first examples indexed by class
 * number; an entry is written once (CAS from null), so the fast path of a known order is one array read.
 * Each inverted pair is reported once.
 */
final class LockOrderValidator implements LockObserver {
    private static final int MAX_CLASSES = 16;

    private final ConcurrentHashMap<String, Integer> classIds = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> firstExample = new AtomicReferenceArray<>(MAX_CLASSES * MAX_CLASSES);
    private final ConcurrentHashMap<String, Boolean> reportedPairs = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> inversions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> recursions = new ConcurrentLinkedQueue<>();
    /** Whether each acquisition records the engine frame that made it (a stack walk each time). */
    private final boolean keepSites;

    LockOrderValidator() {
        this(false);
    }

    /** @param keepSites record where every lock was taken, to name the first acquisition of a recursive one */
    LockOrderValidator(boolean keepSites) {
        this.keepSites = keepSites;
    }
    private final ConcurrentHashMap<Thread, Held> heldByThread = new ConcurrentHashMap<>();
    private final ThreadLocal<Held> held = ThreadLocal.withInitial(() -> {
        Held h = new Held();
        heldByThread.put(Thread.currentThread(), h);
        return h;
    });

    /** One thread's held locks, innermost last, and where each was taken (null without sites). */
    private static final class Held {
        final List<String> classes = new ArrayList<>();
        final List<Object> locks = new ArrayList<>();
        final List<String> sites = new ArrayList<>();
    }

    @Override
    public void acquiring(String lockClass, Object lock, boolean reentrant) {
        if (reentrant) {
            return;
        }
        Held h = held.get();
        synchronized (h) {
            int i = h.locks.indexOf(lock);
            if (i >= 0) {
                String first = h.sites.get(i);
                recursions.add("thread " + Thread.currentThread().getName() + " is trying to acquire " + lockClass
                        + " " + lock + " (at " + caller() + ") but already holds it (taken "
                        + (first == null ? "earlier; this run kept no acquisition sites" : "at " + first)
                        + "): possible recursive locking, a deadlock on itself; held, outermost first: "
                        + describe(h));
            }
        }
    }

    private static String describe(Held h) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < h.classes.size(); i++) {
            out.add(h.classes.get(i) + " " + h.locks.get(i) + (h.sites.get(i) == null ? "" : " (" + h.sites.get(i) + ")"));
        }
        return String.join(", ", out);
    }

    @Override
    public void acquired(String lockClass, Object lock) {
        Held h = held.get();
        synchronized (h) {
            if (!h.locks.contains(lock)) {
                int to = classId(lockClass);
                for (int i = 0; i < h.classes.size(); i++) {
                    String fromClass = h.classes.get(i);
                    if (!fromClass.equals(lockClass)) {
                        order(classId(fromClass), fromClass, to, lockClass, h.locks.get(i), lock);
                    }
                }
            }
            h.classes.add(lockClass);
            h.locks.add(lock);
            h.sites.add(keepSites ? caller() : null);
        }
    }

    @Override
    public void released(String lockClass, Object lock) {
        Held h = held.get();
        synchronized (h) {
            int i = h.locks.lastIndexOf(lock);
            if (i >= 0) {
                h.classes.remove(i);
                h.locks.remove(i);
                h.sites.remove(i);
            }
        }
    }

    private void order(int from, String fromClass, int to, String toClass, Object fromLock, Object toLock) {
        if (firstExample.get(from * MAX_CLASSES + to) == null) {
            String example = "thread " + Thread.currentThread().getName() + " took " + toClass + " " + toLock
                    + " while holding " + fromClass + " " + fromLock + " (at " + caller() + ")";
            firstExample.compareAndSet(from * MAX_CLASSES + to, null, example);
        }
        String reverse = firstExample.get(to * MAX_CLASSES + from);
        if (reverse != null) {
            String pair = from < to ? fromClass + "|" + toClass : toClass + "|" + fromClass;
            if (reportedPairs.putIfAbsent(pair, Boolean.TRUE) == null) {
                inversions.add(fromClass + " then " + toClass + ": " + firstExample.get(from * MAX_CLASSES + to)
                        + "; but " + toClass + " then " + fromClass + ": " + reverse);
            }
        }
    }

    private int classId(String lockClass) {
        Integer id = classIds.get(lockClass);
        if (id != null) {
            return id;
        }
        synchronized (classIds) {
            id = classIds.get(lockClass);
            if (id == null) {
                if (classIds.size() == MAX_CLASSES) {
                    throw new IllegalStateException("more than " + MAX_CLASSES + " lock classes: " + lockClass);
                }
                id = classIds.size();
                classIds.put(lockClass, id);
            }
            return id;
        }
    }

    /** The first engine frame that took the lock, for the report. */
    private static String caller() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            String c = e.getClassName();
            if (c.startsWith("org.deferprobe.engine.") && !e.getMethodName().startsWith("lock")) {
                return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return "?";
    }

    /** Inversions found since the last call, one line each ({@code A then B: example; but B then A: example}). */
    List<String> drainInversions() {
        List<String> out = new ArrayList<>();
        for (String s; (s = inversions.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /** Recursive acquisitions of a non-reentrant lock since the last call, one line each. */
    List<String> drainRecursions() {
        List<String> out = new ArrayList<>();
        for (String s; (s = recursions.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /** Every order seen so far, as {@code "A -> B"} (B taken while A held), sorted. */
    List<String> orders() {
        List<String> out = new ArrayList<>();
        classIds.forEach((from, i) -> classIds.forEach((to, j) -> {
            if (firstExample.get(i * MAX_CLASSES + j) != null) {
                out.add(from + " -> " + to);
            }
        }));
        out.sort(null);
        return out;
    }

    /** What a thread holds, innermost last, as {@code class lock} strings; empty if nothing or unknown. */
    List<String> heldBy(long threadId) {
        Held h = null;
        for (var e : heldByThread.entrySet()) {
            if (e.getKey().getId() == threadId) {
                h = e.getValue();
            }
        }
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < h.classes.size(); i++) {
                out.add(h.classes.get(i) + " " + h.locks.get(i));
            }
            return out;
        }
    }

    /** Forgets the held stacks of threads that ended (the per-round threads). */
    void forgetDeadThreads() {
        heldByThread.keySet().removeIf(t -> !t.isAlive());
    }
}
