/*
 * Guest-side costs of running under a hypervisor, measured from inside the guest.
 *  cpuid:  CPUID leaf 0, which KVM always intercepts: one VM exit round trip handled in the
 *          kernel (kvm_emulate_cpuid()), i.e. the cheapest kind of exit.
 *  chase:  a dependent pointer chase, one cache line per page in a random cyclic order, over a
 *          region backed by 4 KiB pages (MADV_NOHUGEPAGE) or by THP (MADV_HUGEPAGE); the
 *          difference per access is the cost of a TLB-missing translation (in a guest a
 *          two-dimensional walk) over a TLB-hitting one, the data misses being the same.
 * Output: key=value lines, medians of 31 repetitions (TSC ticks).
 * Build: cc -O2 -o guest-costs guest-costs.c
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>
#include <cpuid.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median(double *v, int n) { qsort(v, n, sizeof *v, cmp); return v[n / 2]; }
static inline uint64_t t0(void) { _mm_lfence(); uint64_t t = __rdtsc(); _mm_lfence(); return t; }

static uint64_t rng = 88172645463325252ull;
static uint64_t xr(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

#define REPS 31

static double cpuid_ticks(void) {
  double v[REPS];
  unsigned a, b, c, d;
  for (int r = 0; r < REPS; r++) {
    uint64_t s = t0();
    for (int i = 0; i < 2000; i++) __cpuid(0, a, b, c, d);
    v[r] = (double)(t0() - s) / 2000;
  }
  return median(v, REPS);
}

static double empty_ticks(void) {
  double v[REPS];
  for (int r = 0; r < REPS; r++) {
    uint64_t s = t0();
    for (int i = 0; i < 2000; i++) __asm__ volatile("" ::: "memory");
    v[r] = (double)(t0() - s) / 2000;
  }
  return median(v, REPS);
}

static long anon_huge_kb(void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[256];
  unsigned long lo, hi, want = (unsigned long)p;
  int in = 0;
  long kb = -1;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && strchr(line, '-') == line + strcspn(line, "-")
        && line[0] != ' ' && strstr(line, ":") != line + 8) {
      in = want >= lo && want < hi;
    }
    if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
  }
  fclose(f);
  return kb;
}

/* ticks per access of a chase over `bytes` with huge (1) or base (0) pages */
static double chase(size_t bytes, int huge, long *hugekb) {
  size_t pages = bytes / 4096;
  char *m = mmap(NULL, bytes + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *p = (char *)(((uintptr_t)m + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
  madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  memset(p, 1, bytes);
  *hugekb = anon_huge_kb(p);
  size_t *perm = malloc(pages * sizeof *perm);
  for (size_t i = 0; i < pages; i++) perm[i] = i;
  for (size_t i = pages - 1; i > 0; i--) { size_t j = xr() % (i + 1); size_t t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
  for (size_t i = 0; i < pages; i++) {
    size_t a = perm[i], b = perm[(i + 1) % pages];
    char *pa = p + a * 4096 + ((a * 7) % 64) * 64;
    char *pb = p + b * 4096 + ((b * 7) % 64) * 64;
    *(char **)pa = pb;
  }
  free(perm);
  char **q = (char **)(p + ((0 * 7) % 64) * 64);
  size_t steps = pages < 200000 ? 200000 : pages;
  for (size_t i = 0; i < pages; i++) q = (char **)*q; /* warm */
  double v[REPS];
  for (int r = 0; r < REPS; r++) {
    uint64_t s = t0();
    for (size_t i = 0; i < steps; i++) q = (char **)*q;
    v[r] = (double)(t0() - s) / steps;
  }
  if (q == NULL) puts("");
  munmap(m, bytes + (2 << 20));
  return median(v, REPS);
}

int main(void) {
  printf("cpuid.leaf0.median_tsc=%.1f\n", cpuid_ticks());
  printf("loop.empty.median_tsc=%.2f\n", empty_ticks());
  size_t sizes[] = {64ul << 20, 256ul << 20, 1024ul << 20};
  const char *names[] = {"64m", "256m", "1g"};
  for (int i = 0; i < 3; i++) {
    long k4, k2;
    double a = chase(sizes[i], 0, &k4);
    double b = chase(sizes[i], 1, &k2);
    printf("chase.%s.4k.median_tsc=%.1f\nchase.%s.4k.anon_huge_kb=%ld\n", names[i], a, names[i], k4);
    printf("chase.%s.thp.median_tsc=%.1f\nchase.%s.thp.anon_huge_kb=%ld\n", names[i], b, names[i], k2);
    printf("chase.%s.walk.median_tsc=%.1f\n", names[i], a - b);
  }
  return 0;
}
