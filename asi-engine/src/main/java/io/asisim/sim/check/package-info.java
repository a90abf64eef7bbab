/**
 * The checker (docs/checker.md): functional invariants verified every N workload ops under
 * {@code --check} (a violation ends the run with exit code 3), and leak-exposure accounting, a
 * metric rather than a failure. See docs/checker.md for the invariants, their kernel analogues,
 * costs and the soak command.
 */
package io.asisim.sim.check;
