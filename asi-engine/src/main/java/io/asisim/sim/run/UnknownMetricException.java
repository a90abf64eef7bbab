package io.asisim.sim.run;

import io.asisim.sim.BadInputException;
import java.util.List;

/**
 * A metric was asked for by a name that the result does not have: usually a misspelling, which must
 * not read as a silent 0. The message names the metric and lists the valid names; it is a
 * {@link BadInputException}, so the CLI reports it as one line with exit code 2.
 */
public final class UnknownMetricException extends BadInputException {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final List<String> validNames;

  /**
   * Creates the exception.
   *
   * @param name the name asked for
   * @param validNames the names that would have been accepted, in order
   */
  public UnknownMetricException(String name, List<String> validNames) {
    super("unknown metric '" + name + "' (valid: " + String.join(", ", validNames) + ")");
    this.name = name;
    this.validNames = List.copyOf(validNames);
  }

  /**
   * The name that was asked for.
   *
   * @return the unknown name
   */
  public String name() {
    return name;
  }

  /**
   * The names that would have been accepted.
   *
   * @return the valid names, in order
   */
  public List<String> validNames() {
    return validNames;
  }
}
