package org.deferprobe.stress;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deferprobe.workload.trace.TraceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check-trace FILE}: checks a trace file against the Trace Event Format ({@link TraceCheck}). */
@Command(name = "check-trace", mixinStandardHelpOptions = true,
        description = "Checks a trace file (run --trace, or any Chrome Trace Event Format JSON) against the format: "
                + "the fields each event's phase requires, slices nested properly on each track, both ends of "
                + "every flow. Prints the counts and every problem found.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the file conforms", "1:problems found (listed)", "2:no such file or usage error"})
final class CheckTraceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace file.")
    Path file;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new Main.BadInputException(file + ": no such file");
        }
        TraceCheck.Result r = TraceCheck.check(file);
        PrintWriter out = spec.commandLine().getOut();
        out.println(file + ": " + (r.ok() ? "conforms" : r.problems().size() + " problem(s)") + "; " + r.summary());
        r.problems().forEach(p -> out.println("  " + p));
        return r.ok() ? Main.OK : Main.FAILED;
    }
}
