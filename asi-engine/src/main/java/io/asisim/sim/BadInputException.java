package io.asisim.sim;

/**
 * Bad user input: an unknown plugin name, a duplicate plugin, an invalid parameter or option, an
 * unreadable or malformed file. The message is one line saying what, where and what is valid; the
 * CLI prints it and exits with code 2. Subclasses carry detail for API callers (e.g.
 * {@link io.asisim.sim.run.UnknownMetricException}).
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
