package org.deferprobe.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an HdrHistogram percentile file (.hgrm, as outputPercentileDistribution writes it). */
public final class Hgrm {
    /** One line: the value (here microseconds) at a percentile (0 to 100). */
    public record Point(double value, double percentile) {
    }

    private Hgrm() {
    }

    public static List<Point> read(Path file) throws IOException {
        List<Point> points = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("Value")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length < 3) {
                continue;
            }
            try {
                double value = Double.parseDouble(f[0]);
                double fraction = Double.parseDouble(f[1]);
                if (fraction < 1.0) { // the 100% line has 1/(1-p) = infinity: no place on a log axis
                    points.add(new Point(value, fraction * 100.0));
                }
            } catch (NumberFormatException e) {
                // a header or footer line: skip
            }
        }
        return points;
    }
}
