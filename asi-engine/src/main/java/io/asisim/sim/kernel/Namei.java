package io.asisim.sim.kernel;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.Machine;

/**
 * Path lookup (fs/namei.c) for the calls that only walk a path: {@code newfstatat()}
 * ({@code vfs_statx()}, fs/stat.c), {@code access()} ({@code do_faccessat()}, fs/open.c),
 * {@code readlink()} ({@code do_readlinkat()}, fs/stat.c), and the walk of {@code openat()}
 * ({@code path_openat()}) for {@link FileMap}. A path names a simulated file, or
 * {@link Kernel#NO_FILE} for a path whose last component does not exist (a negative dentry: the
 * include-path search of cc1, make's check of a missing prerequisite).
 *
 * <p>No dentry cache is simulated: every walk is charged as the measured walk of a five-component
 * path with every dentry cached ({@link VfsCosts#STAT} and its siblings), so a lookup never
 * touches user or page-cache memory and has no ASI exit of its own.
 */
final class Namei {
  private final Machine machine;
  private final PageCache cache;

  Namei(Machine machine, PageCache cache) {
    this.machine = machine;
    this.cache = cache;
  }

  /** {@code vfs_statx()} of {@code file}'s path; false ({@code -ENOENT}) for {@link Kernel#NO_FILE}. */
  boolean stat(int cpu, int file) {
    boolean found = exists(file);
    machine.charge(cpu, found ? VfsCosts.STAT : VfsCosts.STAT_ENOENT);
    return found;
  }

  /**
   * {@code path_openat()}'s walk and open of {@code file}, or its failure for
   * {@link Kernel#NO_FILE}; the caller installs the descriptor.
   */
  boolean open(int cpu, int file) {
    boolean found = exists(file);
    machine.charge(cpu, found ? VfsCosts.OPEN : VfsCosts.OPEN_ENOENT);
    return found;
  }

  /** {@code do_readlinkat()} of a regular file's path: the walk, then {@code -EINVAL}. */
  void readlink(int cpu, int file) {
    if (!exists(file)) {
      throw new IllegalArgumentException("readlink of a missing path is not modelled (file " + file + ")");
    }
    machine.charge(cpu, VfsCosts.READLINK_EINVAL);
  }

  private boolean exists(int file) {
    if (file == Kernel.NO_FILE) {
      return false;
    }
    if (!cache.exists(file)) {
      throw new IllegalArgumentException("no file " + file);
    }
    return true;
  }
}
