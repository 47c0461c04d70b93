package org.deferprobe.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * A run's results.json: the environment, the test flaw if any, and every series with every fork's raw figures
 * (JMH's primary score and secondary results per measurement iteration, the benchmarks' own figures, the
 * latency histograms per iteration, compressed as HdrHistogram encodes them). Everything the table, the
 * targets and {@code compare} compute comes from this file, so a run can be re-judged or compared later.
 *
 * @param environment lines describing the machine and the run (date, cores, JDK, load)
 * @param testFlaw    the test flaw the run was made with ("ENGINE:NANOS"), or null for a measurement
 * @param forks       forks per series the run planned
 * @param series      every series measured
 */
public record Results(List<String> environment, String testFlaw, int forks, List<Series> series) {
    public static final String FORMAT = "deferprobe-bench-results";
    public static final int VERSION = 1;
    public static final String FILE = "results.json";

    /** Bad input: one line naming the file and what is wrong with it. */
    public static final class BadInput extends RuntimeException {
        public BadInput(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ArrayNode env = root.putArray("environment");
        environment.forEach(env::add);
        if (testFlaw == null) {
            root.putNull("testFlaw");
        } else {
            root.put("testFlaw", testFlaw);
        }
        root.put("forks", forks);
        ArrayNode all = root.putArray("series");
        for (Series s : series) {
            ObjectNode n = all.addObject();
            n.put("benchmark", s.benchmark());
            n.put("engine", s.engine());
            ObjectNode params = n.putObject("params");
            s.params().forEach(params::put);
            n.put("unit", s.unit());
            ArrayNode errors = n.putArray("errors");
            s.errors().forEach(errors::add);
            ArrayNode forkNodes = n.putArray("forks");
            for (Series.Fork f : s.forks()) {
                ObjectNode fn = forkNodes.addObject();
                fn.put("fork", f.fork());
                ObjectNode it = fn.putObject("iterations");
                f.iterations().forEach((k, v) -> {
                    ArrayNode a = it.putArray(k);
                    for (double d : v) {
                        a.add(d);
                    }
                });
                ObjectNode tr = fn.putObject("trial");
                f.trial().forEach(tr::put);
                ObjectNode hs = fn.putObject("histograms");
                f.histograms().forEach((k, list) -> {
                    ArrayNode a = hs.putArray(k);
                    list.forEach(h -> a.add(encode(h)));
                });
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), root);
    }

    /**
     * Reads a results.json, or the results.json inside a directory.
     *
     * @throws BadInput naming the file and the problem (missing, not JSON, not a results file, a bad field)
     */
    public static Results read(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE) : fileOrDir;
        if (!Files.exists(file)) {
            throw new BadInput(Files.isDirectory(fileOrDir) ? fileOrDir + ": no " + FILE + " in this directory"
                    : file + ": no such file or directory");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInput(file + ": not a results file: not JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new BadInput(file + ": not a results file: no \"format\": \"" + FORMAT + "\" (JMH's own JSON is "
                    + "jmh-results.json; compare reads the results.json the quick profile writes)");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new BadInput(file + ": version: " + root.path("version") + " is not " + VERSION);
        }
        List<String> env = new ArrayList<>();
        root.path("environment").forEach(n -> env.add(n.asText()));
        String flaw = root.path("testFlaw").isTextual() ? root.path("testFlaw").asText() : null;
        List<Series> series = new ArrayList<>();
        JsonNode all = root.path("series");
        if (!all.isArray()) {
            throw new BadInput(file + ": series: missing or not an array");
        }
        for (int i = 0; i < all.size(); i++) {
            series.add(series(file, "series[" + i + "]", all.get(i)));
        }
        return new Results(env, flaw, root.path("forks").asInt(0), series);
    }

    private static Series series(Path file, String at, JsonNode n) {
        String bench = text(file, at + ".benchmark", n.path("benchmark"));
        String engine = text(file, at + ".engine", n.path("engine"));
        String unit = text(file, at + ".unit", n.path("unit"));
        Map<String, String> params = new LinkedHashMap<>();
        if (!n.path("params").isObject()) {
            throw new BadInput(file + ": " + at + ".params: missing or not an object");
        }
        n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        Series s = new Series(bench, engine, params, unit);
        n.path("errors").forEach(e -> s.addError(e.asText()));
        JsonNode forks = n.path("forks");
        if (!forks.isArray()) {
            throw new BadInput(file + ": " + at + ".forks: missing or not an array");
        }
        for (int i = 0; i < forks.size(); i++) {
            String fat = at + ".forks[" + i + "]";
            JsonNode f = forks.get(i);
            Map<String, double[]> it = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> e = f.path("iterations").fields(); e.hasNext(); ) {
                Map.Entry<String, JsonNode> m = e.next();
                double[] v = new double[m.getValue().size()];
                for (int k = 0; k < v.length; k++) {
                    JsonNode x = m.getValue().get(k);
                    if (!x.isNumber()) {
                        throw new BadInput(file + ": " + fat + ".iterations." + m.getKey() + "[" + k + "]: not a number");
                    }
                    v[k] = x.asDouble();
                }
                it.put(m.getKey(), v);
            }
            Map<String, Double> trial = new LinkedHashMap<>();
            f.path("trial").fields().forEachRemaining(e -> trial.put(e.getKey(), e.getValue().asDouble()));
            Map<String, List<Histogram>> hs = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> e = f.path("histograms").fields(); e.hasNext(); ) {
                Map.Entry<String, JsonNode> m = e.next();
                List<Histogram> list = new ArrayList<>();
                for (int k = 0; k < m.getValue().size(); k++) {
                    list.add(decode(file, fat + ".histograms." + m.getKey() + "[" + k + "]", m.getValue().get(k).asText()));
                }
                hs.put(m.getKey(), list);
            }
            s.addFork(new Series.Fork(f.path("fork").asInt(i + 1), it, trial, hs));
        }
        return s;
    }

    private static String text(Path file, String at, JsonNode n) {
        if (!n.isTextual()) {
            throw new BadInput(file + ": " + at + ": missing or not a string");
        }
        return n.asText();
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(Path file, String at, String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new BadInput(file + ": " + at + ": not an encoded HdrHistogram (" + e.getMessage() + ")");
        }
    }
}
