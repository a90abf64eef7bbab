package io.asisim.testkit;

import io.asisim.api.machine.AddressSpaces;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random life of a few processes on a {@link ScenarioRig}: they run and migrate between
 * CPUs, open, {@code read()} and close pages of the shared file (several processes often hold the
 * same page), and exit and are replaced. After every step a {@link Listener} sees the rig, so a
 * contract can check the invariant it cares about at every instant.
 */
public final class RandomScenario {
  /** Called after each step. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param step 0-based step number
     * @param what the step, e.g. {@code close cpu=1 page=3}, for failure messages
     */
    void afterStep(long step, String what);
  }

  /** What a finished scenario did. */
  public record Stats(long reads, long wrongFrames, long closes, long exits, long migrations) {}

  private final ScenarioRig rig;
  private final SplittableRandom rnd;
  private final int maxProcesses;

  /**
   * @param rig the rig to drive
   * @param seed the scenario's seed
   * @param maxProcesses live processes at most (at least 2)
   */
  public RandomScenario(ScenarioRig rig, long seed, int maxProcesses) {
    this.rig = rig;
    this.rnd = new SplittableRandom(seed);
    this.maxProcesses = Math.max(2, maxProcesses);
  }

  /** Runs {@code steps} steps. */
  public Stats run(long steps, Listener listener) {
    long reads = 0;
    long wrong = 0;
    long closes = 0;
    long exits = 0;
    long migrations = 0;
    for (int i = 0; i < maxProcesses; i++) {
      rig.process();
    }
    for (long step = 0; step < steps; step++) {
      int cpu = rnd.nextInt(rig.nrCpus());
      long mm = rig.running(cpu);
      String what;
      int r = rnd.nextInt(100);
      if (mm == AddressSpaces.INIT_MM || r < 15) {
        List<Long> ps = rig.processes();
        if (ps.size() < maxProcesses) {
          rig.process();
          ps = rig.processes();
        }
        long next = ps.get(rnd.nextInt(ps.size()));
        if (next != mm) {
          migrations++;
        }
        rig.run(cpu, next);
        what = "run cpu=" + cpu + " mm=" + next;
      } else if (r < 30) {
        int page = rnd.nextInt(rig.filePages());
        rig.open(mm, page);
        what = "open cpu=" + cpu + " mm=" + mm + " page=" + page;
      } else if (r < 80) {
        int page = openPage(mm);
        if (page < 0) {
          page = rnd.nextInt(rig.filePages());
          rig.open(mm, page);
        }
        reads++;
        if (rig.read(cpu, page) != rig.filePfn(page)) {
          wrong++;
        }
        what = "read cpu=" + cpu + " mm=" + mm + " page=" + page;
      } else if (r < 97) {
        int page = openPage(mm);
        if (page < 0) {
          continue;
        }
        rig.close(cpu, page);
        closes++;
        what = "close cpu=" + cpu + " mm=" + mm + " page=" + page;
      } else {
        rig.exit(cpu);
        exits++;
        what = "exit cpu=" + cpu + " mm=" + mm;
      }
      listener.afterStep(step, what);
    }
    return new Stats(reads, wrong, closes, exits, migrations);
  }

  /** A random page {@code mm} holds open, or -1. */
  private int openPage(long mm) {
    int start = rnd.nextInt(rig.filePages());
    for (int i = 0; i < rig.filePages(); i++) {
      int p = (start + i) % rig.filePages();
      if (rig.isOpen(mm, p)) {
        return p;
      }
    }
    return -1;
  }
}
