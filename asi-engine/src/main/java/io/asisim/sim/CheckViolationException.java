package io.asisim.sim;

/**
 * A functional invariant failed under {@code --check}: the message names the invariant, the event
 * and the simulated time. The CLI prints it and exits with code 3.
 */
public final class CheckViolationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckViolationException(String message) {
    super(message);
  }
}
