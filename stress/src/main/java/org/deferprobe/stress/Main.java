package org.deferprobe.stress;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.deferprobe.workload.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code java -jar stress/target/stress.jar run --scenario FILE --engine NAME|all ...}
 * (docs/scenario-format.md, "Running one: the CLI contract").
 *
 * <p>Exit status: {@value #OK} everything ran with no violation and every expectation met; {@value #FAILED} a
 * violation or an unmet expectation; {@value #BAD_INPUT} bad input or usage, with one line on stderr naming the
 * file and field, or the flag; {@value #INTERNAL_ERROR} a bug in the harness itself.
 */
@Command(name = "stress", mixinStandardHelpOptions = true, version = "deferprobe stress 0.1.0",
        description = "Runs deferred-probe scenarios on deferred-probe engines and checks the outcome (run; with "
                + "--trace and --html it also draws the run), explains why devices are still deferred (explain), "
                + "checks a trace file against the Trace Event Format (check-trace), "
                + "soaks engines with seeded random workloads and checks every invariant (soak), "
                + "writes a device tree as a JSON scenario (import), "
                + "or replays a real boot's kernel log on the engines and compares them with it (replay).",
        subcommands = {RunCommand.class, ExplainCommand.class, CheckTraceCommand.class, SoakCommand.class,
                ImportCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:all ran with no violation and every expectation met",
                "1:a violation or an unmet expectation on some engine",
                "2:bad input or usage (one line on stderr)",
                "3:internal error in the harness"})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL_ERROR = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command (known: run, explain, check-trace, soak, import, replay, help)");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(args, out, err));
    }

    /** Runs the command line, writing to {@code out} and {@code err}; returns the exit status. Never throws. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.getSubcommands().values().stream()
                .filter(sub -> sub.getCommandSpec().findOption("--engine") != null)
                .forEach(sub -> sub.getCommandSpec().usageMessage().footer(Engines.helpFooter()));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String who = ex.getCommandLine() == null ? "stress" : ex.getCommandLine().getCommandSpec().qualifiedName();
            return badInput(err, who + ": " + firstProblem(ex) + " (see '" + who + " --help')");
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ScenarioException || ex instanceof BadInputException) {
                return badInput(err, ex.getMessage());
            }
            err.println("stress: internal error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return INTERNAL_ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Picocli checks required options before it reports unknown ones; an unknown option is the better hint. */
    private static String firstProblem(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        if (ex instanceof CommandLine.MissingParameterException && cl != null && cl.getParseResult() != null
                && !cl.getParseResult().unmatched().isEmpty()) {
            return "Unknown option or argument: '" + cl.getParseResult().unmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    private static int badInput(PrintWriter err, String message) {
        err.println(message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        err.flush();
        return BAD_INPUT;
    }

    /** Bad input that is not the scenario file's: a flag that does not fit the file. One line, exit 2. */
    static final class BadInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }
}
