package org.deferprobe.workload.devicetree;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random corruptions of real-shaped blobs: every one loads or throws DeviceTreeException with one line
 * naming the file; nothing else escapes (no IndexOutOfBounds, no NegativeArraySize, no OutOfMemoryError),
 * nothing hangs. Fixed seed and count, so a failure reproduces; the timeout only turns a hang into a failure.
 */
class FdtFuzzTest {
    static final int MUTATIONS = 6_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedBlobsLoadOrFailCleanly() {
        Random rnd = new Random(20240601);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seeds.add(FdtWriter.write(RandomTrees.generate(rnd, 5 + rnd.nextInt(40))));
        }
        seeds.add(FdtWriter.write(DeviceTreeEndToEndTest.board()));
        int loaded = 0;
        int rejected = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] blob = mutate(rnd, seed);
            try {
                DeviceTreeScenario.fromBlob("fuzz.dtb", blob, 0);
                DeviceTreeScenario.statsOf("fuzz.dtb", blob);
                loaded++;
            } catch (DeviceTreeException e) {
                rejected++;
                String m = e.getMessage();
                assertTrue(m.startsWith("fuzz.dtb: "), m);
                assertFalse(m.contains("\n") || m.contains("\r"), m);
            } catch (Throwable t) {
                fail("mutation " + i + " threw " + t + " for blob " + Arrays.toString(blob), t);
            }
        }
        assertTrue(loaded > MUTATIONS / 20, "too few mutations load: the fuzz explores nothing past the header");
        assertTrue(rejected > MUTATIONS / 4, "too few mutations are rejected: " + rejected);
    }

    static byte[] mutate(Random rnd, byte[] seed) {
        byte[] b = seed.clone();
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            switch (rnd.nextInt(7)) {
                case 0 -> { // flip a few bits anywhere
                    for (int k = 1 + rnd.nextInt(4); k > 0 && b.length > 0; k--) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                case 2 -> { // insert garbage
                    int at = rnd.nextInt(b.length + 1);
                    byte[] junk = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(junk);
                    byte[] out = new byte[b.length + junk.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(junk, 0, out, at, junk.length);
                    System.arraycopy(b, at, out, at + junk.length, b.length - at);
                    b = out;
                }
                case 3 -> { // corrupt a header field
                    if (b.length >= 40) {
                        FdtWriter.putU32(b, 4 * rnd.nextInt(10), interesting(rnd, b.length));
                    }
                }
                case 4 -> { // corrupt a property's length or name offset, or a token, in the structure block
                    int word = FdtWriter.STRUCT / 4 + rnd.nextInt(Math.max(1, (b.length - FdtWriter.STRUCT) / 4));
                    if (word * 4 + 4 <= b.length) {
                        FdtWriter.putU32(b, word * 4, interesting(rnd, b.length));
                    }
                }
                case 5 -> { // corrupt a cell value: phandles, cell counts
                    int word = rnd.nextInt(Math.max(1, b.length / 4));
                    if (word * 4 + 4 <= b.length) {
                        FdtWriter.putU32(b, word * 4, rnd.nextInt(40));
                    }
                }
                default -> { // delete a run of bytes
                    if (b.length > 0) {
                        int at = rnd.nextInt(b.length);
                        int len = Math.min(b.length - at, 1 + rnd.nextInt(12));
                        byte[] out = new byte[b.length - len];
                        System.arraycopy(b, 0, out, 0, at);
                        System.arraycopy(b, at + len, out, at, b.length - at - len);
                        b = out;
                    }
                }
            }
        }
        return b;
    }

    static long interesting(Random rnd, int size) {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 0xffffffffL;
            case 2 -> 0x7fffffffL;
            case 3 -> 0x80000000L;
            case 4 -> size + rnd.nextInt(64) - 32;
            case 5 -> rnd.nextInt(16);
            case 6 -> Fdt.FDT_BEGIN_NODE + rnd.nextInt(9);
            default -> rnd.nextInt() & 0xffffffffL;
        };
    }
}
