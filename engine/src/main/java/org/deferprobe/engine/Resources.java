package org.deferprobe.engine;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published resources (M15), counted per name because several providers may publish one name.
 * Thread-safe without locks; a lookup sees every publication that happened-before it.
 */
final class Resources {
    private final ConcurrentHashMap<String, Integer> published = new ConcurrentHashMap<>();

    void publish(List<String> names) {
        for (String n : names) {
            published.merge(n, 1, Integer::sum);
        }
    }

    void withdraw(List<String> names) {
        for (String n : names) {
            published.computeIfPresent(n, (k, v) -> v == 1 ? null : v - 1);
        }
    }

    boolean isPublished(String name) {
        return published.containsKey(name);
    }

    /** The first of {@code required} that is not published, or null if all are. */
    String firstMissing(List<String> required) {
        for (int i = 0, n = required.size(); i < n; i++) {
            String r = required.get(i);
            if (!published.containsKey(r)) {
                return r;
            }
        }
        return null;
    }
}
