/*
 * What a KVM host pays per VM exit, measured with a real (tiny) guest on this machine's /dev/kvm
 * (docs/calibration.md "Running as a host"). Three real-mode guest programs (kvm-exits-guest.S):
 *   io:    each KVM_RUN ends with an OUT to port 0x10 (KVM_EXIT_IO to user space): the round trip
 *          user space -> KVM_RUN -> VM entry -> exit -> back to user space, timed in user space;
 *   cpuid: CPUIDs in a loop, each an exit KVM emulates in the kernel (kvm_emulate_cpuid()) without
 *          returning to user space, timed with RDTSC inside the guest;
 *   touch: a write to each of 240 fresh guest pages (an EPT/NPT violation each: kvm_tdp_page_fault()
 *          -> hva_to_pfn() faults the VMM's anonymous page in), timed in the guest, then the same
 *          pages again (backed: no exits); the difference per page is the violation's cost.
 * KVM's own counters (/sys/kernel/debug/kvm/{exits,pf_taken,pf_fixed,io_exits}, summed over VMs:
 * only this program's run) are read around each phase and reported per iteration, when readable.
 * spin:  DEC + JNZ alone, the control: if a plain guest instruction costs more than 50 ticks the
 *        guest is being emulated, not run (meta.emulated=1) and the other figures are not VM exits.
 * Output: key=value lines; medians over repetitions, TSC ticks.
 * Build: see kvm-exits.sh (assembles the guest, then cc -O2).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>
#include "kvm-exits-guest.h"

#define REPS 31
#define LOW (64 << 10)          /* code and data: GPA 0..64 KiB, touched before the guest runs */
#define HIGH_PAGES 240          /* GPA 64 KiB..1 MiB: fresh for the touch program */

static int kvm;

struct vm { int fd, vcpu; struct kvm_run *run; uint8_t *low, *high; };

static void die(const char *what) { perror(what); exit(1); }

static struct vm vm_new(void) {
  struct vm v;
  v.fd = ioctl(kvm, KVM_CREATE_VM, 0);
  if (v.fd < 0) die("KVM_CREATE_VM");
  v.low = mmap(NULL, LOW, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  v.high = mmap(NULL, HIGH_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  memset(v.low, 0, LOW);
  struct kvm_userspace_memory_region r0 = {.slot = 0, .guest_phys_addr = 0, .memory_size = LOW,
                                           .userspace_addr = (uint64_t)v.low};
  struct kvm_userspace_memory_region r1 = {.slot = 1, .guest_phys_addr = LOW, .memory_size = HIGH_PAGES * 4096,
                                           .userspace_addr = (uint64_t)v.high};
  if (ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r0) < 0 || ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r1) < 0)
    die("KVM_SET_USER_MEMORY_REGION");
  v.vcpu = ioctl(v.fd, KVM_CREATE_VCPU, 0);
  if (v.vcpu < 0) die("KVM_CREATE_VCPU");
  int sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  v.run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu, 0);
  memcpy(v.low + 0x1000, guest_bin, guest_bin_len);
  return v;
}

static void vm_free(struct vm *v) {
  munmap(v->low, LOW);
  munmap(v->high, HIGH_PAGES * 4096);
  close(v->vcpu);
  close(v->fd);
}

/* real mode, CS:IP = 0:0x1000 + entry, SI = si, ES = es */
static void vcpu_start(struct vm *v, int entry, uint16_t si, uint16_t es) {
  struct kvm_sregs s;
  if (ioctl(v->vcpu, KVM_GET_SREGS, &s) < 0) die("KVM_GET_SREGS");
  s.cs.base = 0; s.cs.selector = 0;
  s.ds.base = 0; s.ds.selector = 0;
  s.es.base = (uint64_t)es << 4; s.es.selector = es;
  if (ioctl(v->vcpu, KVM_SET_SREGS, &s) < 0) die("KVM_SET_SREGS");
  struct kvm_regs r = {.rip = 0x1000 + entry, .rflags = 2, .rsi = si};
  if (ioctl(v->vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
}

static int vcpu_run(struct vm *v) {
  if (ioctl(v->vcpu, KVM_RUN, 0) < 0) die("KVM_RUN");
  return v->run->exit_reason;
}

static uint64_t guest_ticks(struct vm *v) {
  uint64_t t0, t1;
  memcpy(&t0, v->low + 0x500, 8);
  memcpy(&t1, v->low + 0x508, 8);
  return t1 - t0;
}

static const char *STATS[] = {"exits", "pf_taken", "pf_fixed", "io_exits", "insn_emulation"};
#define NSTATS 5

static long stat(const char *name) {
  char path[128];
  snprintf(path, sizeof path, "/sys/kernel/debug/kvm/%s", name);
  FILE *f = fopen(path, "r");
  long v = -1;
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = -1;
    fclose(f);
  }
  return v;
}

static void stats(long *out) {
  for (int i = 0; i < NSTATS; i++) out[i] = stat(STATS[i]);
}

static void report(const char *phase, long *before, long *after, double per) {
  for (int i = 0; i < NSTATS; i++)
    if (before[i] >= 0 && after[i] >= 0)
      printf("kvm.%s.%s_per_iteration=%.2f\n", phase, STATS[i], (after[i] - before[i]) / per);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median(double *d, int n) { qsort(d, n, sizeof *d, cmp); return d[n / 2]; }

int main(void) {
  kvm = open("/dev/kvm", O_RDWR);
  if (kvm < 0) die("/dev/kvm");
  double io[REPS], cpuid[REPS], fresh[REPS], backed[REPS];
  long s0[NSTATS], s1[NSTATS], s2[NSTATS], fr0[NSTATS], fr1[NSTATS], bk[NSTATS];
  long frd[NSTATS] = {0}, bkd[NSTATS] = {0};
  struct vm v = vm_new();
  /* io: 2000 round trips per repetition */
  vcpu_start(&v, IO_LOOP, 0, 0);
  for (int i = 0; i < 100; i++) vcpu_run(&v);
  stats(s0);
  for (int r = 0; r < REPS; r++) {
    _mm_lfence();
    uint64_t t0 = __rdtsc();
    for (int i = 0; i < 2000; i++)
      if (vcpu_run(&v) != KVM_EXIT_IO) { fprintf(stderr, "io: exit %d\n", v.run->exit_reason); return 1; }
    _mm_lfence();
    io[r] = (double)(__rdtsc() - t0) / 2000;
  }
  stats(s1);
  /* cpuid: 2000 per repetition, timed in the guest */
  for (int r = 0; r < REPS; r++) {
    vcpu_start(&v, CPUID_LOOP, 2000, 0);
    if (vcpu_run(&v) != KVM_EXIT_HLT) { fprintf(stderr, "cpuid: exit %d\n", v.run->exit_reason); return 1; }
    cpuid[r] = (double)guest_ticks(&v) / 2000;
  }
  stats(s2);
  double spin[REPS];
  for (int r = 0; r < REPS; r++) {
    vcpu_start(&v, SPIN_LOOP, 2000, 0);
    if (vcpu_run(&v) != KVM_EXIT_HLT) return 1;
    spin[r] = (double)guest_ticks(&v) / 2000;
  }
  vm_free(&v);
  /* touch: a fresh VM (fresh pages) per repetition, then the same pages again */
  for (int r = 0; r < REPS; r++) {
    struct vm t = vm_new();
    vcpu_start(&t, TOUCH_LOOP, HIGH_PAGES, LOW >> 4);
    stats(fr0);
    if (vcpu_run(&t) != KVM_EXIT_HLT) { fprintf(stderr, "touch: exit %d\n", t.run->exit_reason); return 1; }
    stats(fr1);
    fresh[r] = (double)guest_ticks(&t) / HIGH_PAGES;
    vcpu_start(&t, TOUCH_LOOP, HIGH_PAGES, LOW >> 4);
    if (vcpu_run(&t) != KVM_EXIT_HLT) return 1;
    stats(bk);
    for (int i = 0; i < NSTATS; i++) {
      frd[i] += fr1[i] - fr0[i];
      bkd[i] += bk[i] - fr1[i];
    }
    backed[r] = (double)guest_ticks(&t) / HIGH_PAGES;
    vm_free(&t);
  }
  double f = median(fresh, REPS), b = median(backed, REPS);
  printf("kvm.io_exit_roundtrip.median_tsc=%.1f\n", median(io, REPS));
  printf("kvm.cpuid_exit.median_tsc=%.1f\n", median(cpuid, REPS));
  printf("kvm.touch_fresh_page.median_tsc=%.1f\n", f);
  printf("kvm.touch_backed_page.median_tsc=%.1f\n", b);
  printf("kvm.ept_violation.median_tsc=%.1f\n", f - b);
  report("io", s0, s1, 2000.0 * REPS);
  report("cpuid", s1, s2, 2000.0 * REPS);
  long zero[NSTATS] = {0};
  if (s0[0] >= 0) {
    report("touch_fresh", zero, frd, (double)HIGH_PAGES * REPS);
    report("touch_backed", zero, bkd, (double)HIGH_PAGES * REPS);
  }
  double sp = median(spin, REPS);
  printf("kvm.spin_iteration.median_tsc=%.1f\n", sp);
  printf("meta.emulated=%d\n", sp > 50 ? 1 : 0);
  printf("meta.reps=%d\n", REPS);
  return 0;
}
