package io.asisim.sim.kernel;

import java.util.Arrays;

/**
 * The tasks of the simulated kernel, pid-indexed: each task's mm ({@code task_struct->mm}), the CPU
 * it runs on ({@code task_cpu()}), its descriptor table ({@code files_struct}), and each CPU's
 * running task ({@code rq->curr}). Pids are reused through a free stack like
 * {@code alloc_pid()}/{@code free_pid()} (kernel/pid.c) reuse freed numbers. Several tasks may
 * share an mm: a vfork child until it execs, and the threads of a process ({@code CLONE_THREAD}),
 * which also share the descriptor table and have their leader's pid as {@code tgid}.
 */
final class TaskTable {
  /** No task: the CPU is idle (or runs a kernel thread), lazily keeping the last mm loaded. */
  static final int NO_TASK = -1;
  /** {@code TASK_RUNNING}: running or on its CPU's runqueue. */
  static final int RUNNABLE = 0;
  /** {@code TASK_INTERRUPTIBLE} in {@code do_wait()}: waiting for a child to exit. */
  static final int WAIT_CHILD = 1;
  /** {@code TASK_INTERRUPTIBLE} in {@code pipe_read()}/{@code pipe_write()}: empty or full pipe. */
  static final int WAIT_PIPE = 2;
  /** {@code TASK_UNINTERRUPTIBLE} in {@code wait_for_vfork_done()}: the vfork child has not exec'd yet. */
  static final int WAIT_VFORK = 3;
  /** Halted in {@code KVM_RUN} ({@code kvm_vcpu_halt()}), until an interrupt for its vCPU ({@link Kvm}). */
  static final int WAIT_HLT = 4;
  /** No parent to notify ({@code init} reaps it): a spawned process, or an orphan. */
  static final int NO_PARENT = -1;

  private MmState[] mmOf = new MmState[64];
  private int[] cpuOf = new int[64];
  private FilesStruct[] fds = new FilesStruct[64];
  private int[] freePids = new int[64];
  private int[] parentOf = new int[64];
  /** {@code task->tgid}: the thread-group leader's pid (a process's own pid for its leader). */
  private int[] tgidOf = new int[64];
  private int[] stateOf = new int[64];
  /** Children alive, and exited but not yet reaped by {@code wait4()}, per task. */
  private int[] liveChildren = new int[64];
  private int[] exitedChildren = new int[64];
  /** User working set ({@code Machine.runUser}): data and text pages. */
  private int[] userData = new int[64];
  private int[] userText = new int[64];
  /** User code's L1 data fills per 1000 user cycles ({@code Kernel.setUserCacheFill}; {@link ColdEntry}). */
  private int[] userFill = new int[64];
  /** Sequence number of the task's last switch-out: the runqueue's order (longest waiting first). */
  private long[] lastRan = new long[64];
  /** Pids inside the {@code KVM_RUN} ioctl (a vCPU thread between VM entries, or halted in it). */
  private final java.util.BitSet inKvmRun = new java.util.BitSet();
  private int nrFreePids;
  private int nextPid;
  private final int[] current;
  /** Per CPU: how often a task ran on it (a kernel entry or a stretch of user code), for sim_time_ns. */
  private final long[] taskSteps;

  TaskTable(int nrCpus) {
    current = new int[nrCpus];
    taskSteps = new long[nrCpus];
    Arrays.fill(current, NO_TASK);
  }

  int nrCpus() {
    return current.length;
  }

  /** {@code alloc_pid()}: the most recently freed pid, else a new one. */
  int allocPid() {
    if (nrFreePids > 0) {
      return freePids[--nrFreePids];
    }
    int pid = nextPid++;
    if (pid == mmOf.length) {
      int n = mmOf.length * 2;
      mmOf = Arrays.copyOf(mmOf, n);
      cpuOf = Arrays.copyOf(cpuOf, n);
      fds = Arrays.copyOf(fds, n);
      freePids = Arrays.copyOf(freePids, n);
      parentOf = Arrays.copyOf(parentOf, n);
      tgidOf = Arrays.copyOf(tgidOf, n);
      stateOf = Arrays.copyOf(stateOf, n);
      liveChildren = Arrays.copyOf(liveChildren, n);
      exitedChildren = Arrays.copyOf(exitedChildren, n);
      userData = Arrays.copyOf(userData, n);
      userText = Arrays.copyOf(userText, n);
      userFill = Arrays.copyOf(userFill, n);
      lastRan = Arrays.copyOf(lastRan, n);
    }
    return pid;
  }

  /** Fills in the task of a newly allocated pid. */
  void install(int pid, MmState mm, int cpu, FilesStruct files) {
    mmOf[pid] = mm;
    cpuOf[pid] = cpu;
    fds[pid] = files;
    parentOf[pid] = NO_PARENT;
    tgidOf[pid] = pid;
    stateOf[pid] = RUNNABLE;
    liveChildren[pid] = 0;
    exitedChildren[pid] = 0;
    userData[pid] = 0;
    userText[pid] = 0;
    userFill[pid] = 0;
    lastRan[pid] = 0;
    inKvmRun.clear(pid);
  }

  /** Whether {@code pid} is inside {@code KVM_RUN}: it resumes in the kernel, not in user space. */
  boolean inKvmRun(int pid) {
    return inKvmRun.get(pid);
  }

  void setInKvmRun(int pid, boolean in) {
    inKvmRun.set(pid, in);
  }

  /** {@code free_pid()} after {@code release_task()}: the pid may be handed out again. */
  void release(int pid) {
    mmOf[pid] = null;
    fds[pid] = null;
    freePids[nrFreePids++] = pid;
  }

  boolean alive(int pid) {
    return pid >= 0 && pid < nextPid && mmOf[pid] != null;
  }

  void check(int pid) {
    if (!alive(pid)) {
      throw new IllegalArgumentException("no process " + pid);
    }
  }

  /** One past the highest pid ever handed out (iteration bound; dead pids in between are not {@link #alive}). */
  int pidLimit() {
    return nextPid;
  }

  MmState mm(int pid) {
    return mmOf[pid];
  }

  /** {@code exec_mmap()}: the task gets a new mm. */
  void setMm(int pid, MmState mm) {
    mmOf[pid] = mm;
  }

  int cpu(int pid) {
    return cpuOf[pid];
  }

  void setCpu(int pid, int cpu) {
    cpuOf[pid] = cpu;
  }

  /**
   * A task ran a step on {@code cpu}: a kernel entry or user code ({@code Sched.resume}), or a
   * direct allocation or free ({@code SimKernel.allocPages}/{@code freePages}). A new way for
   * tasks to run must count here too, or sim_time_ns leaves its CPU out.
   */
  void noteTaskStep(int cpu) {
    taskSteps[cpu]++;
  }

  /** Steps tasks ran on {@code cpu} since boot. */
  long taskSteps(int cpu) {
    return taskSteps[cpu];
  }

  /** The task running on {@code cpu}, or {@link #NO_TASK}. */
  int current(int cpu) {
    return current[cpu];
  }

  void setCurrent(int cpu, int pid) {
    current[cpu] = pid;
  }

  // ---- thread groups

  /** {@code copy_process()} with {@code CLONE_THREAD}: {@code thread} joins {@code leader}'s group. */
  void joinThreadGroup(int thread, int leader) {
    tgidOf[thread] = tgidOf[leader];
  }

  /** {@code task_tgid_nr()}. */
  int tgid(int pid) {
    return tgidOf[pid];
  }

  /** {@code thread_group_leader()}. */
  boolean isThreadGroupLeader(int pid) {
    return tgidOf[pid] == pid;
  }

  /** The lowest-numbered live thread of leader {@code pid}'s process other than the leader, or {@link #NO_TASK}. */
  int otherThread(int pid) {
    for (int t = 0; t < nextPid; t++) {
      if (t != pid && mmOf[t] != null && tgidOf[t] == pid) {
        return t;
      }
    }
    return NO_TASK;
  }

  // ---- process tree and task state

  /** {@code copy_process()}: {@code child}'s parent is {@code parent} ({@code real_parent}). */
  void setParent(int child, int parent) {
    parentOf[child] = parent;
    liveChildren[parent]++;
  }

  /** The task's parent, or {@link #NO_PARENT}. */
  int parent(int pid) {
    return parentOf[pid];
  }

  int liveChildren(int pid) {
    return liveChildren[pid];
  }

  int exitedChildren(int pid) {
    return exitedChildren[pid];
  }

  /** {@code exit_notify()}: one child of {@code parent} became a zombie. */
  void childExited(int parent) {
    liveChildren[parent]--;
    exitedChildren[parent]++;
  }

  /** {@code release_task()} of one zombie child by {@code wait4()}. */
  void reapChild(int parent) {
    exitedChildren[parent]--;
  }

  /** {@code forget_original_parent()}: the children of dying {@code pid} go to init, which reaps them. */
  void reparentChildren(int pid) {
    for (int c = 0; c < nextPid; c++) {
      if (mmOf[c] != null && parentOf[c] == pid) {
        parentOf[c] = NO_PARENT;
      }
    }
    liveChildren[pid] = 0;
    exitedChildren[pid] = 0;
  }

  /** {@link #RUNNABLE} or one of the wait states. */
  int state(int pid) {
    return stateOf[pid];
  }

  void setState(int pid, int state) {
    stateOf[pid] = state;
  }

  long lastRan(int pid) {
    return lastRan[pid];
  }

  void setLastRan(int pid, long seq) {
    lastRan[pid] = seq;
  }

  void setUserWorkingSet(int pid, int dataPages, int textPages) {
    if (dataPages < 0 || textPages < 0) {
      throw new IllegalArgumentException("negative working set " + dataPages + "/" + textPages);
    }
    userData[pid] = dataPages;
    userText[pid] = textPages;
  }

  int userDataPages(int pid) {
    return userData[pid];
  }

  int userTextPages(int pid) {
    return userText[pid];
  }

  void setUserCacheFill(int pid, int l1dBytesPerKcycle) {
    if (l1dBytesPerKcycle < 0) {
      throw new IllegalArgumentException("negative cache fill " + l1dBytesPerKcycle);
    }
    userFill[pid] = l1dBytesPerKcycle;
  }

  int userCacheFill(int pid) {
    return userFill[pid];
  }

  // ---- files_struct

  /** {@code CLONE_FILES}: the table itself, shared with a new thread. */
  FilesStruct sharedFiles(int pid) {
    return fds[pid];
  }

  /** {@code dup_fd()}: the child's copy of the parent's table (the caller takes the file references). */
  FilesStruct dupFiles(int pid) {
    return fds[pid].dup();
  }

  /** {@code alloc_fd()} + {@code fd_install()}: the lowest free descriptor, or -1 if the table is full. */
  int installFd(int pid, int file, int filp) {
    return fds[pid].install(file, filp);
  }

  /** The {@code struct file} handle behind open descriptor {@code fd} of {@code pid}. */
  int filpOf(int pid, int fd) {
    return fds[pid].filpOf(fd);
  }

  /** Whether descriptor {@code fd} of {@code pid} is open. */
  boolean isOpen(int pid, int fd) {
    return fds[pid].isOpen(fd);
  }

  /** The file behind {@code fd} ({@code fdget()}); throws if it is not open. */
  int fileOf(int pid, int fd) {
    int file = fds[pid].fileOf(fd);
    if (file < 0) {
      throw new IllegalArgumentException("pid " + pid + " has no fd " + fd);
    }
    return file;
  }

  void clearFd(int pid, int fd) {
    fds[pid].clear(fd);
  }

  /** Whether any descriptor of {@code pid} refers to {@code file}. */
  boolean hasOpen(int pid, int file) {
    return fds[pid].hasOpen(file);
  }
}
