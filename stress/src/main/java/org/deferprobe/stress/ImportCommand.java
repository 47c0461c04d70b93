package org.deferprobe.stress;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deferprobe.workload.Scenario;
import org.deferprobe.workload.ScenarioJson;
import org.deferprobe.workload.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code import}: writes a device tree (or a rack directory, or any scenario) as the equivalent format-1
 * JSON scenario, so users can edit it and run it with {@code run}.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes a device tree (.dtb), a rack directory of them, or a scenario as format-1 JSON.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:written", "2:bad input or usage (one line on stderr)", "3:internal error in the harness"})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .dtb, a directory of .dtb files, or a .json scenario.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Where to write the JSON (default: standard output).")
    Path output;

    @Option(names = "--probe-micros", paramLabel = "N", defaultValue = "0",
            description = "probeMicros of every driver (default: ${DEFAULT-VALUE}).")
    long probeMicros;

    @Override
    public Integer call() {
        if (probeMicros < 0) {
            throw new Main.BadInputException("--probe-micros: must be a non-negative integer, got " + probeMicros);
        }
        Scenario scenario = ScenarioLoader.load(input);
        if (probeMicros > 0) {
            scenario = RunCommand.withProbeMicros(scenario, probeMicros);
        }
        String json = ScenarioJson.write(scenario);
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(json.endsWith("\n") ? json : json + "\n");
            out.flush();
            return Main.OK;
        }
        try {
            Files.writeString(output, json.endsWith("\n") ? json : json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Main.BadInputException(output + ": cannot write: " + e.getMessage());
        }
        return Main.OK;
    }
}
