/* Read-faults every 4 KiB page of a tmpfs file through a MAP_PRIVATE mapping aligned to 2 MiB,
 * then writes one byte of one page (a CoW fault), and prints the faults the process took and how
 * long the read pass took: the check of huge tmpfs folios mapped by a PMD (shmem-thp.sh).
 *   shmem_fault FILE */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static long minflt(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: shmem_fault FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    perror(argv[1]);
    return 1;
  }
  size_t len = st.st_size, huge = 2UL << 20;
  /* reserve 2 MiB more and map the file at a 2 MiB boundary inside the reservation */
  char *res = mmap(NULL, len + huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *at = (char *)(((uintptr_t)res + huge - 1) & ~(huge - 1));
  char *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (res == MAP_FAILED || p == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  volatile long sum = 0;
  long f0 = minflt();
  double t0 = now();
  for (size_t off = 0; off < len; off += 4096) sum += p[off];
  double t1 = now();
  long f1 = minflt();
  p[4096] = 1; /* a write to a page mapped read-only: CoW */
  long f2 = minflt();
  printf("file_bytes %zu read_faults %ld read_pass_ns_per_page %.1f cow_faults %ld\n", len, f1 - f0,
         (t1 - t0) * 1e9 / (len / 4096), f2 - f1);
  return 0;
}
