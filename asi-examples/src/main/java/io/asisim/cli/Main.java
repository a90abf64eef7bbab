package io.asisim.cli;

import ch.qos.logback.classic.Level;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.Suggestions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code asi-sim} command line. Exit codes: 0 success, 2 bad input (one line on stderr, no
 * stack trace), 3 a checker violation, 1 an internal error.
 */
@Command(name = "asi-sim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Compare Linux kernel Address Space Isolation designs on a simulated x86-64 machine.")
public final class Main implements Runnable {
  /**
   * The subcommands in help order, each named by its own {@code @Command}. Built on demand
   * ({@link #commandLine}): picocli reflects over a command's options when it is added, and a
   * launch runs one command.
   */
  private static final List<Class<?>> SUBCOMMANDS = List.of(PluginsCommand.class, MetricsCommand.class,
      RunCommand.class, CompareCommand.class, ReplayCommand.class, PagetypeinfoCommand.class);

  /**
   * The command line for {@code args}: when the first argument names a subcommand, only that one
   * is built (its help, options and errors are the same); otherwise, for the top-level help, a
   * misspelled command's "did you mean" or no arguments, all of them.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    boolean named = SUBCOMMANDS.stream().anyMatch(c -> nameOf(c).equals(first));
    for (Class<?> c : SUBCOMMANDS) {
      if (!named || nameOf(c).equals(first)) {
        cl.addSubcommand(c);
      }
    }
    VariantOptions.addKindOptions(cl);
    return cl;
  }

  private static String nameOf(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }

  /** {@code --version}: the build's version and commit, as the JSON outputs' tool_version and git_commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      io.asisim.sim.api.BuildInfo b = io.asisim.sim.api.BuildInfo.current();
      return new String[] {"asi-sim " + b.toolVersion() + " (git " + b.gitCommit() + ")"};
    }
  }

  /** Exit code for bad input. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code for a checker violation. */
  public static final int EXIT_VIOLATION = 3;

  @Option(names = {"-v", "--verbose"}, description = "log at DEBUG level on stderr", scope = CommandLine.ScopeType.INHERIT)
  void verbose(boolean v) {
    if (v) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true"); // charts render without a display
    System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /** Runs the CLI with the given streams and returns the exit code (used by tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("asi-sim: " + oneLine(ex.getMessage()) + suggestion(ex) + " (see 'asi-sim "
          + commandName(ex.getCommandLine()) + "--help')");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof BadInputException) {
        err.println("asi-sim: " + oneLine(ex.getMessage()));
        return EXIT_BAD_INPUT;
      }
      if (ex instanceof CheckViolationException) {
        err.println("asi-sim: " + oneLine(ex.getMessage()));
        return EXIT_VIOLATION;
      }
      throw ex; // a bug: let picocli print the trace, exit 1
    });
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      // the run's machines grew past the heap (HeapBudget checks only what boots): what ran is
      // unreachable now, so there is heap for one line; output files are written whole or not at all
      err.println("asi-sim: " + HeapBudget.outOfHeap());
      code = EXIT_BAD_INPUT;
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * "did you mean" for a misspelled subcommand or option: picocli's own suggestions are printed as
   * separate lines, and errors here are one line.
   */
  private static String suggestion(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      return "";
    }
    String arg = u.getUnmatched().get(0);
    CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
    if (arg.startsWith("-")) {
      int eq = arg.indexOf('=');
      return Suggestions.didYouMean(eq > 0 ? arg.substring(0, eq) : arg, spec.optionsMap().keySet());
    }
    return Suggestions.didYouMean(arg, spec.subcommands().keySet());
  }

  private static String commandName(CommandLine cl) {
    String n = cl.getCommandName();
    return n.equals("asi-sim") ? "" : n + " ";
  }

  private static String oneLine(String s) {
    return s == null ? "error" : s.replace('\n', ' ').replace('\r', ' ').trim();
  }
}
