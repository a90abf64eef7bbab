package io.asisim.sim;

/**
 * A plugin threw where it should not: its factory ({@code Plugin.create}) or its implementation
 * during a run failed with an unexpected {@link RuntimeException}. The message is one line naming
 * the plugin's kind and name, when it failed and what it threw; the cause keeps the original (the
 * CLI logs its stack trace with {@code --verbose}). A bad-input error (exit code 2): the plugin,
 * like a trace file, is input the simulator was given (docs/contracts.md, exit codes).
 */
public class PluginFailureException extends BadInputException {
  private static final long serialVersionUID = 1L;

  public PluginFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  /** What {@code t} says, in one line: its simple class name and message (no package). */
  public static String describe(Throwable t) {
    String m = t.getMessage();
    String s = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    return s.replace('\n', ' ').replace('\r', ' ').strip();
  }
}
