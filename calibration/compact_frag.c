/* asi-sim calibration (calibration/compaction.sh): fragments free memory on purpose, and asks for
 * transparent huge pages under that fragmentation.
 *
 *   compact_frag frag MB STRIDE [hash|parity]
 *                                 mmap MB MiB anonymous (MADV_NOHUGEPAGE, so every page is a 4 KiB
 *                                 movable page), write every page, then MADV_DONTNEED all but about
 *                                 one page of every STRIDE, chosen by physical frame number
 *                                 (/proc/self/pagemap, needs root) whatever order the allocator handed
 *                                 the frames out in: "hash" (default) keeps a frame when a hash of it
 *                                 is 0 mod STRIDE, so the freed memory is small holes (order 0 mostly,
 *                                 a few order 1-3) at no regular spacing; "parity" keeps the frames
 *                                 that are multiples of STRIDE, so every hole is order 0 and at a
 *                                 fixed spacing. Prints "frag: ..." and keeps the survivors until
 *                                 killed.
 *   compact_frag thp MB           mmap MB MiB aligned to 2 MiB with MADV_HUGEPAGE, write every 4 KiB
 *                                 page; prints "thp: ..." with the fault time and the region's
 *                                 AnonHugePages, and keeps it until killed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t x) { /* splitmix64's finaliser */
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* AnonHugePages of the mapping that starts at p, from /proc/self/smaps (kB) */
static long anon_huge_kb(void *p) {
  char line[256], want[32];
  long kb = -1;
  int in = 0;
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return -1;
  snprintf(want, sizeof want, "%lx-", (unsigned long)p);
  while (fgets(line, sizeof line, f)) {
    if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f'))
      in = strncmp(line, want, strlen(want)) == 0; /* a mapping header: "start-end perms ..." */
    else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
      break;
  }
  fclose(f);
  return kb;
}

int main(int argc, char **argv) {
  const size_t pg = 4096, huge = 2 << 20;
  if (argc < 3) {
    fprintf(stderr, "usage: %s frag MB STRIDE [hash|parity] | thp MB\n", argv[0]);
    return 2;
  }
  size_t mb = strtoull(argv[2], 0, 10), len = mb << 20, i;
  if (!strcmp(argv[1], "frag")) {
    size_t stride = argc > 3 ? strtoull(argv[3], 0, 10) : 2, freed = 0, calls = 0;
    int parity = argc > 4 && !strcmp(argv[4], "parity");
    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    if (madvise(p, len, MADV_NOHUGEPAGE)) perror("madvise(MADV_NOHUGEPAGE)");
    double t0 = now();
    for (i = 0; i < len; i += pg) p[i] = 1;
    double t1 = now();
    /* keep the pages whose frame (or its hash) is a multiple of STRIDE; drop runs of the others
     * with one call */
    int pm = open("/proc/self/pagemap", O_RDONLY);
    if (pm < 0) { perror("/proc/self/pagemap"); return 1; }
    const size_t chunk = 65536;
    uint64_t *e = malloc(chunk * sizeof *e);
    size_t npages = len / pg, run0 = 0, run = 0, nopfn = 0;
    for (size_t base = 0; base < npages; base += chunk) {
      size_t n = npages - base < chunk ? npages - base : chunk;
      if (pread(pm, e, n * 8, ((uintptr_t)p / pg + base) * 8) != (ssize_t)(n * 8)) {
        perror("pread pagemap"); return 1;
      }
      for (i = 0; i < n; i++) {
        uint64_t pfn = e[i] & ((1ULL << 55) - 1);
        int present = e[i] >> 63, drop = present && (parity ? pfn : mix(pfn)) % stride != 0;
        if (!present || !pfn) nopfn++;
        if (drop) {
          if (!run) run0 = base + i;
          run++;
        }
        if (run && (!drop || base + i + 1 == npages)) {
          if (madvise(p + run0 * pg, run * pg, MADV_DONTNEED)) { perror("madvise(MADV_DONTNEED)"); return 1; }
          freed += run;
          calls++;
          run = 0;
        }
      }
    }
    close(pm);
    if (nopfn) fprintf(stderr, "frag: %zu pages without a frame number in pagemap\n", nopfn);
    double t2 = now();
    printf("frag (%s): %zu MiB touched in %.3f s (%.0f ns/page), %zu pages dropped in %zu madvise calls "
           "in %.3f s, %zu pages kept\n",
           parity ? "parity" : "hash", mb, t1 - t0, (t1 - t0) * 1e9 / (len / pg), freed, calls, t2 - t1, len / pg - freed);
    fflush(stdout);
    for (;;) pause();
  }
  if (!strcmp(argv[1], "thp")) {
    char *q = mmap(0, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) { perror("mmap"); return 1; }
    char *p = (char *)(((unsigned long)q + huge - 1) & ~(huge - 1));
    if (p > q) munmap(q, p - q);
    munmap(p + len, q + len + huge - (p + len));
    if (madvise(p, len, MADV_HUGEPAGE)) { perror("madvise(MADV_HUGEPAGE)"); return 1; }
    double t0 = now();
    for (i = 0; i < len; i += pg) p[i] = 1;
    double t1 = now();
    long kb = anon_huge_kb(p);
    printf("thp: %zu MiB touched in %.3f s (%.0f us per 2 MiB), AnonHugePages %ld kB (%.1f%%)\n", mb,
           t1 - t0, (t1 - t0) * 1e6 / (len / huge), kb, kb * 100.0 / (len >> 10));
    fflush(stdout);
    for (;;) pause();
  }
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
