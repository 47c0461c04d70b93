package org.deferprobe.engine;

import java.util.List;
import java.util.function.Consumer;

/**
 * An intrusive circular doubly-linked list of devices, like the kernel's list_head: O(1) append, removal
 * without knowing which list holds the device, and O(1) splice. Not thread-safe: the owner's lock guards
 * the list and the nodes of the devices on it.
 *
 * Invariant: a device is on at most one list (M5), and {@code d.listNext != null} iff it is on one.
 */
final class DeviceList {
    private final Device head = new Device(new DeviceSpec("<list-head>", "", List.of(), List.of(), List.of()));

    DeviceList() {
        head.listNext = head;
        head.listPrev = head;
    }

    static boolean isListed(Device d) {
        return d.listNext != null;
    }

    /** Appends a device that is on no list (list_add_tail). */
    void addLast(Device d) {
        if (d.listNext != null) {
            throw new IllegalStateException("device " + d.name + " is already on a deferred list");
        }
        Device last = head.listPrev;
        d.listPrev = last;
        d.listNext = head;
        last.listNext = d;
        head.listPrev = d;
    }

    /** Takes a device off whatever list holds it (list_del_init); false if it was on none. */
    static boolean unlink(Device d) {
        Device next = d.listNext;
        if (next == null) {
            return false;
        }
        Device prev = d.listPrev;
        prev.listNext = next;
        next.listPrev = prev;
        d.listNext = null;
        d.listPrev = null;
        return true;
    }

    boolean isEmpty() {
        return head.listNext == head;
    }

    /** Removes and returns the first device, or null if empty. */
    Device pollFirst() {
        Device first = head.listNext;
        if (first == head) {
            return null;
        }
        unlink(first);
        return first;
    }

    /** Moves every device of this list to the tail of {@code to}, leaving this empty (list_splice_tail_init). */
    void spliceTailInto(DeviceList to) {
        if (isEmpty()) {
            return;
        }
        Device first = head.listNext;
        Device last = head.listPrev;
        Device toLast = to.head.listPrev;
        toLast.listNext = first;
        first.listPrev = toLast;
        last.listNext = to.head;
        to.head.listPrev = last;
        head.listNext = head;
        head.listPrev = head;
    }

    void forEach(Consumer<Device> action) {
        for (Device d = head.listNext; d != head; d = d.listNext) {
            action.accept(d);
        }
    }

    int size() {
        int n = 0;
        for (Device d = head.listNext; d != head; d = d.listNext) {
            n++;
        }
        return n;
    }
}
