package io.asisim.cli;

import io.asisim.sim.BadInputException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code asi-sim replay TRACE}: replay of {@code perf script} / {@code trace-cmd report} kmem
 * traces. Not available yet: trace parsing and replay are built with the simulated kernel
 * (DESIGN §6); until then the command says so instead of pretending.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a perf/trace-cmd kmem trace against the allocator strategies (not available yet).")
final class ReplayCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TRACE", description = "perf script or trace-cmd report text (.xz/.gz ok)")
  Path trace;

  @Override
  public Integer call() {
    throw new BadInputException("replay is not available yet: trace replay (DESIGN §6) has not been built");
  }
}
