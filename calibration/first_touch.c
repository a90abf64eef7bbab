// Anonymous write faults over a large region, first touch against re-touch, with an optional
// pause between passes. In a KVM guest with virtio-balloon free page reporting
// (mm/page_reporting.c: free blocks of order >= page_reporting_order are reported to the host
// PAGE_REPORTING_DELAY = 2 s after they become free, and the host discards them), a frame the
// guest has never touched, or one reported while free, costs the guest an EPT violation and a
// host page allocation on its next touch; a frame freed and re-used at once does not.
//   gcc -O2 -Wall -o /tmp/first_touch calibration/first_touch.c
//   /tmp/first_touch GIB PASSES PAUSE_S   (PAUSE_S seconds of sleep after each munmap)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  size_t gib = argc > 1 ? strtoul(argv[1], NULL, 10) : 4;
  int passes = argc > 2 ? atoi(argv[2]) : 3;
  int pause_s = argc > 3 ? atoi(argv[3]) : 0;
  size_t len = gib << 30, pages = len >> 12;
  for (int p = 0; p < passes; p++) {
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    madvise(m, len, MADV_NOHUGEPAGE); // 4 KiB faults, as the build's
    double t0 = now();
    unsigned long long c0 = __rdtsc();
    for (size_t i = 0; i < pages; i++) {
      m[i << 12] = 1;
    }
    unsigned long long c1 = __rdtsc();
    double t1 = now();
    munmap(m, len);
    double t2 = now();
    printf("first_touch.gib=%zu pause_s=%d pass=%d pages=%zu ns_per_fault=%.0f tsc_per_fault=%.0f munmap_ns_per_page=%.0f\n",
        gib, pause_s, p, pages, (t1 - t0) * 1e9 / pages, (double) (c1 - c0) / pages, (t2 - t1) * 1e9 / pages);
    fflush(stdout);
    if (pause_s > 0) {
      sleep(pause_s);
    }
  }
  return 0;
}
