package io.asisim.sim.kernel;

import java.util.Arrays;

/**
 * A process's descriptor table ({@code struct files_struct} with its {@code fdtable},
 * include/linux/fdtable.h): shared by the threads that {@code CLONE_FILES} made, copied by
 * {@code dup_fd()} at fork. {@link #end} bounds every scan, so reclaim's "who has this file open"
 * (asked for every task and every evicted page) does not read the whole table.
 */
final class FilesStruct {
  /** Size of every table. */
  static final int MAX_FDS = 64;

  /** The file behind each descriptor, or -1. */
  private final int[] fd;
  /** The {@code struct file} behind each descriptor: a {@link KernelSlab} filp handle, or -1. */
  private final int[] filp;
  /** One past the highest descriptor ever installed. */
  private int end;

  private FilesStruct(int[] fd, int[] filp, int end) {
    this.fd = fd;
    this.filp = filp;
    this.end = end;
  }

  /** The empty table of a new process. */
  static FilesStruct empty() {
    int[] f = new int[MAX_FDS];
    Arrays.fill(f, -1);
    return new FilesStruct(f, f.clone(), 0);
  }

  /** {@code dup_fd()}: a copy of this table (the caller takes the references on its files). */
  FilesStruct dup() {
    return new FilesStruct(fd.clone(), filp.clone(), end);
  }

  /**
   * {@code alloc_fd()} + {@code fd_install()} of {@code file} opened as {@code struct file}
   * {@code filpHandle}: the lowest free descriptor, or -1 if the table is full.
   */
  int install(int file, int filpHandle) {
    for (int d = 0; d < MAX_FDS; d++) {
      if (fd[d] < 0) {
        fd[d] = file;
        filp[d] = filpHandle;
        end = Math.max(end, d + 1);
        return d;
      }
    }
    return -1;
  }

  /** The {@code struct file} handle behind {@code d}, or -1. */
  int filpOf(int d) {
    return filp[d];
  }

  /** One past the highest descriptor ever installed: every scan stops here. */
  int end() {
    return end;
  }

  /** Whether descriptor {@code d} is open. */
  boolean isOpen(int d) {
    return fd[d] >= 0;
  }

  /** The file behind {@code d}, or -1 (also for a descriptor out of range). */
  int fileOf(int d) {
    return d < 0 || d >= MAX_FDS ? -1 : fd[d];
  }

  void clear(int d) {
    fd[d] = -1;
    filp[d] = -1;
  }

  /** Whether any descriptor refers to {@code file}. */
  boolean hasOpen(int file) {
    for (int d = 0; d < end; d++) {
      if (fd[d] == file) {
        return true;
      }
    }
    return false;
  }
}
