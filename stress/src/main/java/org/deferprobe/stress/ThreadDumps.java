package org.deferprobe.stress;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds deadlocks through {@link ThreadMXBean} and prints stuck threads with the locks they hold and wait for.
 *
 * <p>The JVM's own {@code findDeadlockedThreads} ignores a thread waiting for a lock it owns itself (a
 * non-reentrant mutex taken twice: bug B4), so the wait-for graph is walked here from each thread's
 * {@code lockOwnerId}: a thread is deadlocked if following the owners from it comes back to a thread already
 * on the path, itself included; a thread whose owners lead into such a cycle is blocked behind it.
 */
final class ThreadDumps {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int FRAMES = 12;
    private static final int BEHIND_PRINTED = 5;

    private ThreadDumps() {
    }

    /** A deadlock found: the threads on cycles and those blocked behind them, printed. */
    record Deadlock(List<String> threads, String dump) {
    }

    /**
     * @param relevant    which threads matter (those of the round under watch): a cycle of other threads only,
     *                    left over from an earlier wedged round, is ignored
     * @param heldClasses what the lock observer says a thread holds (lock classes and objects), may be empty
     * @return the deadlock, or null if no relevant thread waits on a cycle
     */
    static Deadlock find(java.util.function.LongPredicate relevant, Function<Long, List<String>> heldClasses) {
        ThreadInfo[] infos = MX.dumpAllThreads(false, false); // owners are known without the costly lock lists
        Map<Long, ThreadInfo> byId = new HashMap<>();
        for (ThreadInfo t : infos) {
            if (t != null) {
                byId.put(t.getThreadId(), t);
            }
        }
        Set<Long> onCycle = new LinkedHashSet<>();
        for (ThreadInfo t : byId.values()) {
            List<Long> path = new ArrayList<>();
            long id = t.getThreadId();
            while (id != -1 && !path.contains(id)) {
                path.add(id);
                ThreadInfo cur = byId.get(id);
                id = cur == null ? -1 : cur.getLockOwnerId();
            }
            if (id != -1) {
                List<Long> cycle = path.subList(path.indexOf(id), path.size());
                if (cycle.stream().anyMatch(relevant::test)) {
                    onCycle.addAll(cycle);
                }
            }
        }
        if (onCycle.isEmpty()) {
            return null;
        }
        Set<Long> involved = new LinkedHashSet<>(onCycle);
        for (ThreadInfo t : byId.values()) {
            Set<Long> seen = new HashSet<>();
            for (long id = t.getLockOwnerId(); id != -1 && seen.add(id); ) {
                if (onCycle.contains(id)) {
                    involved.add(t.getThreadId());
                    break;
                }
                ThreadInfo cur = byId.get(id);
                id = cur == null ? -1 : cur.getLockOwnerId();
            }
        }
        Map<Long, ThreadInfo> full = new HashMap<>();
        for (ThreadInfo t : MX.getThreadInfo(involved.stream().mapToLong(Long::longValue).toArray(),
                MX.isObjectMonitorUsageSupported(), MX.isSynchronizerUsageSupported())) {
            if (t != null) {
                full.put(t.getThreadId(), t);
            }
        }
        StringBuilder b = new StringBuilder();
        List<String> names = new ArrayList<>();
        int behind = 0;
        for (long id : involved) {
            ThreadInfo t = full.getOrDefault(id, byId.get(id));
            names.add(t.getThreadName());
            if (onCycle.contains(id) || behind++ < BEHIND_PRINTED) {
                describe(b, t, onCycle.contains(id) ? "deadlocked" : "blocked behind the deadlock", heldClasses);
            }
        }
        if (behind > BEHIND_PRINTED) {
            b.append("  ... and ").append(behind - BEHIND_PRINTED).append(" more threads blocked behind the deadlock\n");
        }
        return new Deadlock(names, b.toString());
    }

    /**
     * The threads blocked on a lock that {@code owner} holds while inside an engine registration
     * ({@code registerDriver} or {@code registerDevice}), one line each: the thread, the registration, the lock.
     * Empty if none (the seed-004 case 1 signature: registrations hanging behind a probe that does not return).
     */
    static List<String> registrationsBlockedBy(long owner) {
        List<String> out = new ArrayList<>();
        for (ThreadInfo t : MX.dumpAllThreads(false, false)) {
            if (t == null || t.getLockOwnerId() != owner || t.getThreadId() == owner) {
                continue;
            }
            for (StackTraceElement e : t.getStackTrace()) {
                String m = e.getMethodName();
                if (e.getClassName().startsWith("org.deferprobe.engine.")
                        && (m.equals("registerDriver") || m.equals("registerDevice"))) {
                    out.add("\"" + t.getThreadName() + "\" in " + m + ", waiting for " + t.getLockInfo());
                    break;
                }
            }
        }
        return out;
    }

    /** The ids of every live thread now. */
    static Set<Long> liveThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : MX.getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** Every relevant live thread whose name starts with one of the prefixes, printed the same way. */
    static String dump(java.util.function.LongPredicate relevant, List<String> namePrefixes,
                       Function<Long, List<String>> heldClasses) {
        StringBuilder b = new StringBuilder();
        for (ThreadInfo t : MX.dumpAllThreads(MX.isObjectMonitorUsageSupported(), MX.isSynchronizerUsageSupported())) {
            if (t != null && relevant.test(t.getThreadId())
                    && namePrefixes.stream().anyMatch(p -> t.getThreadName().startsWith(p))
                    && t.getThreadState() != Thread.State.TIMED_WAITING) {
                describe(b, t, "stuck", heldClasses);
            }
        }
        return b.toString();
    }

    private static void describe(StringBuilder b, ThreadInfo t, String what, Function<Long, List<String>> heldClasses) {
        b.append("  thread \"").append(t.getThreadName()).append("\" ").append(t.getThreadState()).append(", ")
                .append(what).append('\n');
        LockInfo waiting = t.getLockInfo();
        if (waiting != null) {
            b.append("    waits for ").append(waiting);
            if (t.getLockOwnerId() != -1) {
                b.append(" held by \"").append(t.getLockOwnerName()).append('"');
                if (t.getLockOwnerId() == t.getThreadId()) {
                    b.append(" (itself: a non-reentrant lock taken twice)");
                }
            }
            b.append('\n');
        }
        List<String> held = new ArrayList<>();
        for (LockInfo l : t.getLockedSynchronizers()) {
            held.add(l.toString());
        }
        for (MonitorInfo m : t.getLockedMonitors()) {
            held.add(m.toString());
        }
        b.append("    holds ").append(held.isEmpty() ? "no lock the JVM knows of" : String.join(", ", held)).append('\n');
        List<String> classes = heldClasses.apply(t.getThreadId());
        if (!classes.isEmpty()) {
            b.append("    holds (lock classes, outermost first): ").append(String.join(", ", classes)).append('\n');
        }
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES, stack.length); i++) {
            b.append("      at ").append(stack[i]).append('\n');
        }
    }
}
