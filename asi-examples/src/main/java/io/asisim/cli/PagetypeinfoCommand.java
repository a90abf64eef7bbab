package io.asisim.cli;

import io.asisim.sim.BadInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code asi-sim pagetypeinfo}: MERGE-PENDING (asi-pagealloc renderers). */
@Command(name = "pagetypeinfo", mixinStandardHelpOptions = true,
    description = "Print the simulated allocator state as /proc/pagetypeinfo and /proc/buddyinfo.")
final class PagetypeinfoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new BadInputException("MERGE-PENDING");
  }
}
