package io.asisim.sim.workload;

/**
 * The processes of one compile unit of the measured {@code tinyconfig} build and how each is
 * spawned (docs/workloads.md has the derivation; the counts are per {@code cc1}, 584 in build 2,
 * {@code calibration/data/vm-20261201/kbuild/kbuild-summary.properties}). make runs the unit's
 * recipe as {@link #LINES} shell commands, each a {@code sh -c} spawned with
 * {@code clone3(CLONE_VM|CLONE_VFORK)} (make→sh 4879, 8.4 per unit); the shells spawn, with
 * {@code vfork()} unless noted:
 *
 * <pre>
 * sh → gcc → cc1, as                 (gcc vfork 1163: cc1 584, as 568)
 * sh → fixdep                        (534)
 * sh → objtool                       (446)
 * sh → check-local-export → nm (vfork), awk (fork + exec), a subshell (fork, no exec)
 *                                    (check-local-export 492: vfork 488, fork 984; → nm 488, awk 492, no exec 492)
 * sh → rm, and later sh → rm         (rm 931, 1.6 per unit)
 * sh → subshell (fork) → mkdir       (sh fork 401: 0.69 per unit; mkdir 396)
 * sh                                 (builtins only: the .cmd file)
 * </pre>
 *
 * <p>20 processes per unit against the measured 20.89 (the recursive makes, ar and the rarer tools
 * are left out; docs/deviations.md). A node's faults: {@link Program}.
 */
final class KernelBuildRecipe {
  private KernelBuildRecipe() {}

  /** How a process is started by its parent. */
  static final int VFORK_EXEC = 0;
  static final int FORK_EXEC = 1;
  static final int FORK_ONLY = 2;

  /**
   * Estimate: pages of a program's private file mappings written after exec ({@code do_cow_fault()}:
   * relocations of the {@code .got} and {@code .data} of ld.so, libc and the program, about 2
   * each); they are counted among the program's measured file-backed faults.
   */
  static final int DATA_COW_PAGES = 6;

  /**
   * {@code /etc/ld.so.cache}: every exec'd process maps it privately (36111 bytes, 9 pages), reads
   * it and unmaps it: build 2 has one {@code munmap(..., 36111)} per exec of sh, gcc, rm, awk, as,
   * objtool (strace log). Estimate: 2 of its pages are read (the header and the hashed entries).
   */
  static final int LDCACHE_PAGES = 9;
  static final int LDCACHE_READS = 2;

  /**
   * A program: {@code fileFaults} faults on its private file mappings per exec (text and libraries,
   * {@link #DATA_COW_PAGES} of them writes) and {@code anonFaults} anonymous ones, from
   * {@code perf trace --pf=all} of one unit ({@code unit_fork.faults.<comm>.minfault.*}) where the
   * program ran in it, else an estimate named in {@code source}.
   */
  record Program(String name, int fileFaults, int anonFaults, String source) {
    int textReads() {
      return Math.max(0, fileFaults - DATA_COW_PAGES);
    }
  }

  static final Program MAKE = new Program("make", 0, 0, "the long-lived make of the slot, set up once");
  static final Program SH = new Program("sh", 47, 17, "unit_fork.faults.sh");
  static final Program GCC = new Program("gcc", 63, 36, "unit_fork.faults.gcc");
  /** cc1's anonymous faults are the {@code anon-pages} parameter (derived in docs/workloads.md). */
  static final Program CC1 = new Program("cc1", 305, -1, "unit_fork.faults.cc1 (file); anon-pages");
  static final Program AS = new Program("as", 187, 190, "unit_fork.faults.as");
  static final Program OBJTOOL = new Program("objtool", 55, 2255, "unit_fork.faults.objtool");
  static final Program COREUTIL = new Program("rm/mkdir", 55, 16, "unit_fork.faults.nice (a coreutils program)");
  static final Program SMALL = new Program("fixdep/awk", 47, 17, "estimate: like sh (small dynamically linked tools)");
  static final Program CLE = new Program("check-local-export", 47, 17, "a dash script: like sh");
  static final Program NM = new Program("nm", 187, 190, "estimate: like as (binutils on BFD)");
  /** A forked subshell that exits without exec: only the copy-on-write of what it writes. */
  static final Program SUBSHELL = new Program("subshell", 0, 0, "fork child, cow-pages writes");

  /** The tree in preorder: program, parent node, spawn style. Node 0 is make. */
  static final Program[] PROG;
  static final int[] PARENT;
  static final int[] SPAWN;
  /** Children of each node in spawn order. */
  static final int[][] CHILDREN;
  /** Recipe lines: make's children. */
  static final int LINES;
  /** Node of cc1 (a unit is counted when it exits). */
  static final int CC1_NODE;
  /** Node of as (writes the object file). */
  static final int AS_NODE;
  /** Processes of a unit that exec a program (all but make and the fork-only subshell): 19. */
  static final int EXECS;
  /** Index of each exec'd node among them in preorder ({@code -1} for make and the subshell). */
  static final int[] EXEC_INDEX;

  static {
    Object[][] t = {
      {MAKE, -1, VFORK_EXEC},
      {SH, 0, VFORK_EXEC}, {GCC, 1, VFORK_EXEC}, {CC1, 2, VFORK_EXEC}, {AS, 2, VFORK_EXEC},
      {SH, 0, VFORK_EXEC}, {SMALL, 5, VFORK_EXEC},
      {SH, 0, VFORK_EXEC}, {OBJTOOL, 7, VFORK_EXEC},
      {SH, 0, VFORK_EXEC}, {CLE, 9, VFORK_EXEC}, {NM, 10, VFORK_EXEC}, {SMALL, 10, FORK_EXEC},
      {SUBSHELL, 10, FORK_ONLY},
      {SH, 0, VFORK_EXEC}, {COREUTIL, 14, VFORK_EXEC},
      {SH, 0, VFORK_EXEC}, {COREUTIL, 16, FORK_EXEC},
      {SH, 0, VFORK_EXEC}, {COREUTIL, 18, VFORK_EXEC},
      {SH, 0, VFORK_EXEC},
    };
    int n = t.length;
    PROG = new Program[n];
    PARENT = new int[n];
    SPAWN = new int[n];
    int[] count = new int[n];
    for (int i = 0; i < n; i++) {
      PROG[i] = (Program) t[i][0];
      PARENT[i] = (Integer) t[i][1];
      SPAWN[i] = (Integer) t[i][2];
      if (PARENT[i] >= 0) {
        count[PARENT[i]]++;
      }
    }
    CHILDREN = new int[n][];
    for (int i = 0; i < n; i++) {
      CHILDREN[i] = new int[count[i]];
      count[i] = 0;
    }
    for (int i = 1; i < n; i++) {
      CHILDREN[PARENT[i]][count[PARENT[i]]++] = i;
    }
    LINES = CHILDREN[0].length;
    CC1_NODE = 3;
    AS_NODE = 4;
    EXEC_INDEX = new int[n];
    int e = 0;
    for (int i = 0; i < n; i++) {
      EXEC_INDEX[i] = i > 0 && SPAWN[i] != FORK_ONLY ? e++ : -1;
    }
    EXECS = e;
  }

  /**
   * cc1's regions of more than 32 pages that it maps, touches and unmaps (build 2 strace log:
   * {@code munmap} sizes of cc1 in pages and their counts over 584 cc1s: 1226, 2.10 per cc1).
   */
  static final int[] CC1_REGION_PAGES = {33, 64, 65, 128, 46, 129};
  static final int[] CC1_REGION_COUNT = {391, 370, 304, 128, 19, 14};
  static final int CC1_UNITS = 584;

  /**
   * Draws one cc1's large regions into {@code out} (2.10 per cc1: 2, and a third in 58 of 584
   * units; sizes weighted as measured), as long as they fit in {@code anon} pages; returns how many.
   */
  static int pickRegions(java.util.SplittableRandom random, int anon, int[] out) {
    int total = 0;
    for (int c : CC1_REGION_COUNT) {
      total += c;
    }
    int want = total / CC1_UNITS + (random.nextInt(CC1_UNITS) < total % CC1_UNITS ? 1 : 0);
    int n = 0;
    int pages = 0;
    for (int r = 0; r < want && r < out.length; r++) {
      int pick = random.nextInt(total);
      int i = 0;
      while (pick >= CC1_REGION_COUNT[i]) {
        pick -= CC1_REGION_COUNT[i++];
      }
      if (pages + CC1_REGION_PAGES[i] > anon) {
        break; // a unit sized below the measured one: no region beyond its anonymous memory
      }
      out[n++] = CC1_REGION_PAGES[i];
      pages += CC1_REGION_PAGES[i];
    }
    return n;
  }

  /** Whether node {@code i} runs a program of its own (everything but make and a fork-only subshell). */
  static boolean execs(int i) {
    return i > 0 && SPAWN[i] != FORK_ONLY;
  }

  /** Anonymous faults of node {@code i} given cc1's. */
  static int anonFaults(int i, int cc1Anon) {
    return i == CC1_NODE ? cc1Anon : Math.max(0, PROG[i].anonFaults());
  }

  /** Processes of one unit (make excluded). */
  static int processes() {
    return PROG.length - 1;
  }

  /**
   * Page-touching steps of one unit: text and data faults, ld.so.cache reads, anonymous faults, the
   * headers cc1 reads, the fork children's copy-on-write writes and one step per spawn; the unit's
   * user time is spread evenly over them.
   */
  static long touchSteps(int cc1Anon, int headers, int cowPages) {
    long n = processes();
    for (int i = 1; i < PROG.length; i++) {
      if (execs(i)) {
        n += PROG[i].fileFaults() + LDCACHE_READS + anonFaults(i, cc1Anon);
      }
      if (SPAWN[i] != VFORK_EXEC) {
        n += cowPages;
      }
    }
    return n + headers;
  }
}
