package io.asisim.cli;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.Settings;
import io.asisim.sim.plugin.PluginRegistry;
import java.nio.file.Path;

/**
 * {@code --initial-state FILE} ({@code run}, {@code compare}, {@code pagetypeinfo}, {@code replay}):
 * seeds every allocator that takes an {@code initial-state} parameter from a copy of a real
 * {@code /proc/pagetypeinfo} and sizes the machine's memory from it, one home for both.
 */
final class InitialState {
  private InitialState() {}

  /** The memory the file implies, in bytes; {@code memory} (when the user gave it) must agree. */
  static long memoryBytes(Path file, String memory, boolean memoryGiven) {
    long implied;
    try {
      implied = io.asisim.pagealloc.proc.PagetypeInfo.impliedMemoryBytes(file);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--initial-state " + e.getMessage());
    }
    long given;
    try {
      given = memoryGiven ? ParamSpec.parseSize(memory) : implied;
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--memory " + e.getMessage());
    }
    if (given != implied) {
      throw new BadInputException("--initial-state " + file + " implies --memory "
          + ParamSpec.formatSize(implied) + ", not " + memory);
    }
    return implied;
  }

  /** {@code settings} with {@code initial-state=file} for every allocator that declares it. */
  static Settings seedAllocators(Settings settings, Path file, PluginRegistry registry) {
    // The real file already shows the kernel image and early reservations as not free: seeding lays
    // its free blocks out around the machine's bootReservation() (x86: first 1 MiB, image at 16 MiB).
    for (String a : registry.ofKind(PluginKind.ALLOCATOR).keySet()) {
      if (registry.get(PluginKind.ALLOCATOR, a).params().stream().anyMatch(p -> p.name().equals("initial-state"))) {
        settings = settings.with(PluginKind.ALLOCATOR, a, "initial-state", file.toString());
      }
    }
    return settings;
  }
}
