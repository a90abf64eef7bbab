/*
 * asi-sim calibration microbenchmark (issue 19).
 *
 * Measures, on the machine it runs on, the quantities the asi-sim cost model
 * needs: syscall entry/exit, pread of a cached tmpfs page, 4 KiB copies from
 * cache- and DRAM-resident sources, anonymous page faults, mmap+touch+munmap
 * with and without a second thread of the same mm on another CPU (the TLB
 * shootdown), pipe ping-pong context switches, process spawn, and (group cold)
 * a fault and two path lookups timed alone after a user pass over 0 B-64 MiB
 * (group coldsame: one kind per series, after a code and data pass of 0-512 KiB).
 *
 * Every benchmark runs REPS repetitions of a batch of operations; each
 * repetition yields a per-operation figure in ns (CLOCK_MONOTONIC) and in TSC
 * ticks (rdtsc). Batches are kept short (well under a scheduler time slice) so
 * that, on a loaded machine, most repetitions run unpreempted and min/median
 * stay meaningful. Output is key=value lines on stdout:
 *   <bench>.min_ns, .median_ns, .p90_ns, .min_tsc, .median_tsc, .reps,
 *   .ops_per_rep, .loadavg (the 1/5/15-min load read when the bench ended)
 * plus a few derived keys. Diagnostics go to stderr.
 *
 * Build: gcc -O2 -Wall -pthread -o microbench microbench.c
 * Run:   ./microbench [--quick] [--shm-dir /dev/shm]
 *
 * Needs at least 2 CPUs for the cross-CPU benchmarks (CPU 0 and CPU 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PAGE 4096UL
#define HPAGE (2UL << 20)

static int quick;            /* --quick: fewer repetitions (smoke test) */
static const char *shm_dir = "/dev/shm";
static double tsc_hz;        /* measured against CLOCK_MONOTONIC */

/* ------------------------------------------------------------------ timing */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	/* lfence orders rdtsc after prior instructions (AMD: needs
	 * LFENCE serializing, which Linux enables on AMD). */
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct stamp { double ns; uint64_t tsc; };

static inline struct stamp stamp(void)
{
	struct stamp s;
	s.ns = now_ns();
	s.tsc = rdtsc();
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	int n;
	double ns[4096];
	double tsc[4096];
};

static void res_add(struct result *r, struct stamp a, struct stamp b, double ops)
{
	if (r->n >= 4096)
		return;
	r->ns[r->n] = (b.ns - a.ns) / ops;
	r->tsc[r->n] = (double)(b.tsc - a.tsc) / ops;
	r->n++;
}

static void res_add_raw(struct result *r, double ns, double tsc)
{
	if (r->n >= 4096)
		return;
	r->ns[r->n] = ns;
	r->tsc[r->n] = tsc;
	r->n++;
}

static double median_of(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");
	buf[0] = 0;
	if (f) {
		if (fgets(buf, len, f)) {
			/* keep the three load figures only */
			char *p = buf;
			for (int sp = 0; *p; p++)
				if (*p == ' ' && ++sp == 3) {
					*p = 0;
					break;
				}
			buf[strcspn(buf, "\n")] = 0;
		}
		fclose(f);
	}
}

struct summary { double min_ns, med_ns, min_tsc, med_tsc; };

static struct summary report(const char *name, struct result *r, double ops_per_rep)
{
	struct summary s = {0};
	char la[128];
	if (r->n == 0)
		return s;
	double *ns = malloc(r->n * sizeof(double)), *tc = malloc(r->n * sizeof(double));
	memcpy(ns, r->ns, r->n * sizeof(double));
	memcpy(tc, r->tsc, r->n * sizeof(double));
	s.med_ns = median_of(ns, r->n);
	s.med_tsc = median_of(tc, r->n);
	s.min_ns = ns[0];
	s.min_tsc = tc[0];
	double p90 = ns[(int)((r->n - 1) * 0.9)];
	loadavg(la, sizeof la);
	printf("%s.min_ns=%.1f\n", name, s.min_ns);
	printf("%s.median_ns=%.1f\n", name, s.med_ns);
	printf("%s.p90_ns=%.1f\n", name, p90);
	printf("%s.min_tsc=%.0f\n", name, s.min_tsc);
	printf("%s.median_tsc=%.0f\n", name, s.med_tsc);
	printf("%s.reps=%d\n", name, r->n);
	printf("%s.ops_per_rep=%.0f\n", name, ops_per_rep);
	printf("%s.loadavg=%s\n", name, la);
	fflush(stdout);
	fprintf(stderr, "%-44s min %10.1f ns  median %10.1f ns  (%.0f / %.0f tsc)  load %s\n",
		name, s.min_ns, s.med_ns, s.min_tsc, s.med_tsc, la);
	free(ns);
	free(tc);
	return s;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static int reps(int full)
{
	return quick ? (full < 5 ? full : 5) : full;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* xorshift for reproducible random offsets */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static inline uint64_t xrand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void shuffle(uint32_t *v, size_t n)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = xrand() % (i + 1);
		uint32_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* Reads the per-CPU "TLB:" row of /proc/interrupts (TLB shootdown IPIs
 * received). Returns the sum over CPUs, -1 if absent. */
static long tlb_ipis(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	long sum = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while (*p == ' ')
			p++;
		if (strncmp(p, "TLB:", 4) == 0) {
			sum = 0;
			p += 4;
			for (;;) {
				char *end;
				long v = strtol(p, &end, 10);
				if (end == p)
					break;
				sum += v;
				p = end;
			}
			break;
		}
	}
	fclose(f);
	return sum;
}

/* TLB shootdown IPIs received by one CPU (its column of the "TLB:" row). */
static long tlb_ipis_cpu(int cpu)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while (*p == ' ')
			p++;
		if (strncmp(p, "TLB:", 4) == 0) {
			p += 4;
			for (int c = 0; c <= cpu; c++) {
				char *end;
				v = strtol(p, &end, 10);
				if (end == p) {
					v = -1;
					break;
				}
				p = end;
			}
			break;
		}
	}
	fclose(f);
	return v;
}

/* Summary of a plain sample vector (one value per operation). */
static void report_samples(const char *name, double *ns, double *tc, int n)
{
	char la[128];
	if (n == 0) {
		printf("%s.count=0\n", name);
		return;
	}
	qsort(ns, n, sizeof(double), cmp_double);
	qsort(tc, n, sizeof(double), cmp_double);
	loadavg(la, sizeof la);
	double mns = n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
	double mtc = n % 2 ? tc[n / 2] : (tc[n / 2 - 1] + tc[n / 2]) / 2;
	printf("%s.min_ns=%.1f\n%s.median_ns=%.1f\n%s.p90_ns=%.1f\n", name, ns[0], name, mns, name,
	       ns[(int)((n - 1) * 0.9)]);
	printf("%s.min_tsc=%.0f\n%s.median_tsc=%.0f\n%s.count=%d\n%s.loadavg=%s\n", name, tc[0], name, mtc,
	       name, n, name, la);
	fprintf(stderr, "%-44s min %10.1f ns  median %10.1f ns  (%.0f / %.0f tsc)  n=%d load %s\n", name, ns[0],
		mns, tc[0], mtc, n, la);
}

/* ------------------------------------------------------------------ TSC */

static void bench_tsc(void)
{
	double best = 0;
	/* three 200 ms windows, keep the median */
	double hz[3];
	for (int i = 0; i < 3; i++) {
		struct stamp a = stamp();
		struct timespec d = {0, 200000000};
		nanosleep(&d, NULL);
		struct stamp b = stamp();
		hz[i] = (b.tsc - a.tsc) / ((b.ns - a.ns) * 1e-9);
	}
	best = median_of(hz, 3);
	tsc_hz = best;
	printf("tsc.measured_mhz=%.3f\n", tsc_hz / 1e6);

	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	if (f) {
		while (fgets(line, sizeof line, f))
			if (strncmp(line, "cpu MHz", 7) == 0) {
				char *c = strchr(line, ':');
				if (c)
					printf("tsc.cpuinfo_mhz=%.3f\n", atof(c + 1));
				break;
			}
		fclose(f);
	}

	/* cost of the timer itself */
	struct result r = {0};
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < 1000; i++)
			(void)now_ns();
		struct stamp b = stamp();
		res_add(&r, a, b, 1000);
	}
	report("timer.clock_gettime_monotonic", &r, 1000);
}

/* ------------------------------------------------------------------ syscalls */

static void bench_syscall(void)
{
	struct result r = {0};
	const int n = 2000;
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			syscall(SYS_getppid);
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("syscall.getppid", &r, n);
}

static int make_tmpfs_file(const char *name, size_t size, char *path, size_t plen)
{
	snprintf(path, plen, "%s/asi-calib-%d-%s", shm_dir, (int)getpid(), name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open tmpfs file");
	char *buf = malloc(1 << 20);
	for (size_t i = 0; i < (1 << 20); i++)
		buf[i] = (char)(i * 7 + 1);
	for (size_t off = 0; off < size; off += 1 << 20) {
		size_t len = size - off < (1 << 20) ? size - off : (1 << 20);
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			die("pwrite");
	}
	free(buf);
	return fd;
}

static void bench_pread(void)
{
	char path[512];
	static char dst[PAGE] __attribute__((aligned(4096)));
	struct result r = {0};

	/* hot: the same cached page over and over (source in L1/L2) */
	int fd = make_tmpfs_file("small", 64 * 1024, path, sizeof path);
	const int n = 2000;
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			if (pread(fd, dst, PAGE, 0) != PAGE)
				die("pread");
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("pread_4k.tmpfs_hot_page", &r, n);
	close(fd);
	unlink(path);

	/* random page of a 1 GiB tmpfs file: page in the page cache, data in
	 * DRAM (file >> LLC), like fio randread on tmpfs */
	const size_t big = quick ? (256UL << 20) : (1UL << 30);
	fd = make_tmpfs_file("big", big, path, sizeof path);
	const int m = 256;
	off_t *offs = malloc(m * sizeof(off_t));
	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(400); rep++) {
		for (int i = 0; i < m; i++)
			offs[i] = (off_t)(xrand() % (big / PAGE)) * PAGE;
		struct stamp a = stamp();
		for (int i = 0; i < m; i++)
			if (pread(fd, dst, PAGE, offs[i]) != PAGE)
				die("pread");
		struct stamp b = stamp();
		res_add(&r, a, b, m);
	}
	report("pread_4k.tmpfs_random_1g", &r, m);
	free(offs);
	close(fd);
	unlink(path);
}

/* ------------------------------------------------------------------ copies */

static inline void copy_repmovsb(void *dst, const void *src, size_t n)
{
	__asm__ __volatile__("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
}

static inline void clear_repstosb(void *dst, size_t n)
{
	__asm__ __volatile__("rep stosb" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
}

static void *map_anon(size_t len, int advice, size_t align)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (align) {
		uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
		p = (char *)a;
	}
	if (advice >= 0 && madvise(p, len, advice))
		perror("madvise");
	return p;
}

static long anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void bench_copy(void)
{
	static char src[PAGE] __attribute__((aligned(4096)));
	static char dst[PAGE] __attribute__((aligned(4096)));
	struct result r = {0};
	const int n = 10000;

	memset(src, 1, PAGE);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++) {
			memcpy(dst, src, PAGE);
			__asm__ __volatile__("" ::: "memory");
		}
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("copy_4k.memcpy_hot", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			copy_repmovsb(dst, src, PAGE);
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("copy_4k.repmovsb_hot", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			clear_repstosb(dst, PAGE);
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("clear_4k.repstosb_hot", &r, n);

	/* DRAM-resident source: random pages of a 1 GiB buffer (>> 32 MiB LLC).
	 * Two backings: 4 KiB pages (every copy also misses the STLB) and 2 MiB
	 * THP (close to the kernel's direct map, which copy_to_user reads
	 * through). */
	const size_t big = quick ? (256UL << 20) : (1UL << 30);
	const size_t npages = big / PAGE;
	const int m = 256;
	uint32_t *perm = malloc(npages * sizeof(uint32_t));
	for (int pass = 0; pass < 2; pass++) {
		int huge = pass == 1;
		char *buf = map_anon(big, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE, huge ? HPAGE : 0);
		memset(buf, 3, big);
		if (huge)
			printf("copy_4k.dram_thp.anon_huge_kb=%ld\n", anon_huge_kb());
		for (size_t i = 0; i < npages; i++)
			perm[i] = i;
		shuffle(perm, npages);
		const char *names[2][2] = {
			{"copy_4k.memcpy_dram_4kpages", "copy_4k.repmovsb_dram_4kpages"},
			{"copy_4k.memcpy_dram_thp", "copy_4k.repmovsb_dram_thp"},
		};
		for (int kind = 0; kind < 2; kind++) {
			memset(&r, 0, sizeof r);
			size_t pos = 0;
			for (int rep = 0; rep < reps(400); rep++) {
				if (pos + m > npages) {
					shuffle(perm, npages);
					pos = 0;
				}
				struct stamp a = stamp();
				for (int i = 0; i < m; i++) {
					const char *s = buf + (size_t)perm[pos + i] * PAGE;
					if (kind == 0)
						memcpy(dst, s, PAGE);
					else
						copy_repmovsb(dst, s, PAGE);
					__asm__ __volatile__("" ::: "memory");
				}
				struct stamp b = stamp();
				pos += m;
				res_add(&r, a, b, m);
			}
			report(names[huge][kind], &r, m);
		}
		munmap(buf, big);
	}
	free(perm);
}

/* ------------------------------------------------------------------ faults */

static void bench_faults(void)
{
	const size_t npages = 256; /* 1 MiB per repetition: short, so rarely preempted */
	const size_t len = npages * PAGE;
	struct result wr = {0}, rd = {0}, un = {0}, unz = {0};

	for (int rep = 0; rep < reps(400); rep++) {
		/* write first touch: allocate + zero a page + map it */
		volatile char *p = map_anon(len, MADV_NOHUGEPAGE, 0);
		struct stamp a = stamp();
		for (size_t i = 0; i < npages; i++)
			p[i * PAGE] = 1;
		struct stamp b = stamp();
		res_add(&wr, a, b, npages);
		/* munmap of touched pages, one thread: zap + free, no IPI */
		a = stamp();
		munmap((void *)p, len);
		b = stamp();
		res_add(&un, a, b, npages);

		/* read first touch: maps the shared zero page, no allocation and
		 * no zeroing */
		p = map_anon(len, MADV_NOHUGEPAGE, 0);
		unsigned sum = 0;
		a = stamp();
		for (size_t i = 0; i < npages; i++)
			sum += p[i * PAGE];
		b = stamp();
		res_add(&rd, a, b, npages);
		a = stamp();
		munmap((void *)p, len);
		b = stamp();
		res_add(&unz, a, b, npages);
		if (sum == 12345)
			fprintf(stderr, "-");
	}
	report("fault.anon_write_4k_nohugepage", &wr, npages);
	report("fault.anon_read_zeropage_4k_nohugepage", &rd, npages);
	report("munmap.touched_4k_per_page_1thread", &un, npages);
	report("munmap.zeropage_4k_per_page_1thread", &unz, npages);

	/* THP: one fault allocates and zeroes 2 MiB */
	const size_t nh = 4; /* 8 MiB per repetition */
	struct result th = {0};
	long huge_kb = -1;
	for (int rep = 0; rep < reps(100); rep++) {
		char *raw = mmap(NULL, nh * HPAGE + HPAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED)
			die("mmap");
		volatile char *p = (char *)(((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1));
		madvise((void *)p, nh * HPAGE, MADV_HUGEPAGE);
		struct stamp a = stamp();
		for (size_t i = 0; i < nh; i++)
			p[i * HPAGE] = 1;
		struct stamp b = stamp();
		res_add(&th, a, b, nh);
		if (rep == 0)
			huge_kb = anon_huge_kb();
		munmap(raw, nh * HPAGE + HPAGE);
	}
	printf("fault.anon_write_2m_thp.anon_huge_kb_after_first_rep=%ld\n", huge_kb);
	printf("fault.anon_write_2m_thp.expected_kb=%zu\n", nh * HPAGE / 1024);
	report("fault.anon_write_2m_thp", &th, nh);
}

/* ------------------------------------------------------------------ shootdown */

static atomic_int spin_stop;
static atomic_int spin_ready;
static int sleeper_pipe[2];

static void *spinner(void *arg)
{
	pin(1);
	atomic_store(&spin_ready, 1);
	/* No PAUSE in the loop: under KVM, pause-loop exiting would make the
	 * host deschedule this vCPU, and the PV TLB flush skips preempted
	 * vCPUs (no IPI). */
	volatile unsigned long spins = 0;
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		spins++;
	return arg;
}

static void *sleeper(void *arg)
{
	char c;
	pin(1);
	atomic_store(&spin_ready, 1);
	if (read(sleeper_pipe[0], &c, 1) < 0)
		perror("read");
	return arg;
}

/* mode 0: alone; 1: second thread spinning on CPU 1; 2: second thread
 * blocked (pinned to CPU 1, CPU 1 idle or running other tasks) */
static void shootdown_variant(size_t npages, int mode)
{
	static const char *mname[] = {"alone", "spinner_cpu1", "sleeper_cpu1"};
	pthread_t th;
	const int iters = npages >= 256 ? 20 : npages >= 32 ? 50 : 100;
	struct result cyc = {0}, un = {0};
	char name[128];

	atomic_store(&spin_stop, 0);
	atomic_store(&spin_ready, 0);
	if (mode == 1)
		pthread_create(&th, NULL, spinner, NULL);
	if (mode == 2) {
		if (pipe(sleeper_pipe))
			die("pipe");
		pthread_create(&th, NULL, sleeper, NULL);
	}
	if (mode)
		while (!atomic_load(&spin_ready))
			sched_yield();
	/* warm-up: let a stale mm_cpumask bit of CPU 1 be cleared */
	for (int i = 0; i < 10; i++) {
		char *p = map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0);
		p[0] = 1;
		munmap(p, npages * PAGE);
	}
	long ipi0 = tlb_ipis();
	long total = 0;
	const int maxs = reps(30) * iters;
	double *ns_ipi = malloc(maxs * sizeof(double)), *tc_ipi = malloc(maxs * sizeof(double));
	double *ns_no = malloc(maxs * sizeof(double)), *tc_no = malloc(maxs * sizeof(double));
	int n_ipi = 0, n_no = 0;
	for (int rep = 0; rep < reps(30); rep++) {
		double un_ns = 0, un_tsc = 0;
		double cyc_ns = 0, cyc_tsc = 0;
		for (int it = 0; it < iters; it++) {
			/* CPU 1's TLB-IPI count, read outside the timed region, tells
			 * whether this munmap interrupted CPU 1 */
			long before = tlb_ipis_cpu(1);
			struct stamp a = stamp();
			volatile char *p = map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0);
			for (size_t i = 0; i < npages; i++)
				p[i * PAGE] = 1;
			struct stamp u0 = stamp();
			munmap((void *)p, npages * PAGE);
			struct stamp u1 = stamp();
			long after = tlb_ipis_cpu(1);
			double dn = u1.ns - u0.ns, dt = (double)(u1.tsc - u0.tsc);
			un_ns += dn;
			un_tsc += dt;
			cyc_ns += u1.ns - a.ns;
			cyc_tsc += (double)(u1.tsc - a.tsc);
			if (after > before) {
				ns_ipi[n_ipi] = dn;
				tc_ipi[n_ipi++] = dt;
			} else {
				ns_no[n_no] = dn;
				tc_no[n_no++] = dt;
			}
		}
		res_add_raw(&cyc, cyc_ns / iters, cyc_tsc / iters);
		res_add_raw(&un, un_ns / iters, un_tsc / iters);
		total += iters;
	}
	long ipi1 = tlb_ipis();
	if (mode == 1) {
		atomic_store(&spin_stop, 1);
		pthread_join(th, NULL);
	}
	if (mode == 2) {
		if (write(sleeper_pipe[1], "x", 1) < 0)
			perror("write");
		pthread_join(th, NULL);
		close(sleeper_pipe[0]);
		close(sleeper_pipe[1]);
	}
	snprintf(name, sizeof name, "mmap_touch_munmap.%zup.%s.cycle", npages, mname[mode]);
	report(name, &cyc, iters);
	snprintf(name, sizeof name, "mmap_touch_munmap.%zup.%s.munmap", npages, mname[mode]);
	struct summary s = report(name, &un, iters);
	(void)s;
	snprintf(name, sizeof name, "mmap_touch_munmap.%zup.%s.munmap_with_cpu1_ipi", npages, mname[mode]);
	report_samples(name, ns_ipi, tc_ipi, n_ipi);
	snprintf(name, sizeof name, "mmap_touch_munmap.%zup.%s.munmap_without_cpu1_ipi", npages, mname[mode]);
	report_samples(name, ns_no, tc_no, n_no);
	free(ns_ipi);
	free(tc_ipi);
	free(ns_no);
	free(tc_no);
	if (ipi0 >= 0)
		printf("mmap_touch_munmap.%zup.%s.tlb_ipis_per_munmap=%.3f\n", npages, mname[mode],
		       (double)(ipi1 - ipi0) / total);
}

static void bench_shootdown(void)
{
	size_t sizes[] = {1, 16, 64, 512};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		for (int mode = 0; mode < 3; mode++)
			shootdown_variant(sizes[k], mode);
}

/* ------------------------------------------------------------------ ctx switch */

struct pp { int to[2], from[2]; int cpu; };

static void pong_loop(int rfd, int wfd)
{
	char c;
	for (;;) {
		ssize_t k = read(rfd, &c, 1);
		if (k <= 0)
			return;
		if (write(wfd, &c, 1) != 1)
			return;
	}
}

static void *pong_thread(void *arg)
{
	struct pp *pp = arg;
	pin(pp->cpu);
	pong_loop(pp->to[0], pp->from[1]);
	return NULL;
}

/* threads=0: two processes (different mm); threads=1: two threads (same mm).
 * ping on CPU 0, pong on pong_cpu. */
static void pingpong(int threads, int pong_cpu, const char *name)
{
	struct pp pp;
	pid_t pid = -1;
	pthread_t th;
	const int n = 100; /* short repetitions: rarely preempted */
	struct result r = {0};
	char c = 'x', name2[128];

	if (pipe(pp.to) || pipe(pp.from))
		die("pipe");
	pp.cpu = pong_cpu;
	pin(0);
	if (threads) {
		pthread_create(&th, NULL, pong_thread, &pp);
	} else {
		pid = fork();
		if (pid == 0) {
			pin(pong_cpu);
			close(pp.to[1]);
			close(pp.from[0]);
			pong_loop(pp.to[0], pp.from[1]);
			_exit(0);
		}
	}
	/* warm-up */
	for (int i = 0; i < 1000; i++) {
		if (write(pp.to[1], &c, 1) != 1 || read(pp.from[0], &c, 1) != 1)
			die("pingpong");
	}
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++) {
			if (write(pp.to[1], &c, 1) != 1 || read(pp.from[0], &c, 1) != 1)
				die("pingpong");
		}
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	close(pp.to[1]);
	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	close(pp.to[0]);
	close(pp.from[0]);
	close(pp.from[1]);
	snprintf(name2, sizeof name2, "pipe_pingpong.%s.round_trip", name);
	report(name2, &r, n);
}

static void bench_ctxsw(void)
{
	/* reference: write+read of 1 byte on a pipe by one thread, no switch */
	int p[2];
	char c = 'x';
	struct result r = {0};
	const int n = 500;
	if (pipe(p))
		die("pipe");
	pin(0);
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
				die("pipe self");
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	close(p[0]);
	close(p[1]);
	report("pipe_write_read_1b.same_thread_no_switch", &r, n);

	pingpong(0, 0, "processes_same_cpu");
	pingpong(0, 1, "processes_cross_cpu");
	pingpong(1, 0, "threads_same_cpu");
	pingpong(1, 1, "threads_cross_cpu");
}

/* ------------------------------------------------------------------ spawn */

static void bench_spawn(void)
{
	struct result r = {0};
	const int n = 1; /* one spawn per sample */
	char *argv[] = {"/bin/true", NULL};

	pin(0);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++) {
			pid_t pid = fork();
			if (pid == 0)
				_exit(0);
			waitpid(pid, NULL, 0);
		}
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("spawn.fork_exit_wait", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++) {
			pid_t pid;
			if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ))
				die("posix_spawn");
			waitpid(pid, NULL, 0);
		}
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("spawn.posix_spawn_bin_true_wait", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(200); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++) {
			pid_t pid = fork();
			if (pid == 0) {
				execve(argv[0], argv, environ);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
		}
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("spawn.fork_exec_bin_true_wait", &r, n);
}


/* ------------------------------------------------------------------ kbuild syscalls */

/*
 * The system calls and faults a kernel-build unit makes besides read/write/fork/exec
 * (docs/calibration.md, "kbsys"): path lookups that succeed and fail, descriptor
 * open/close, signal-handler installation, ld.so's and malloc's mmap/mprotect/brk,
 * readlink of a non-symlink, a failing execve() of a PATH search, file-backed faults
 * (read with fault-around, private write = COW of a file page) and the exit teardown
 * of a process with N touched pages. Paths live in a directory tree under /tmp (the
 * file system the measured build ran in), created once and page-cache/dcache warm.
 */
static char kb_dir[256], kb_file[320], kb_missing[320], kb_map[320];

static void kb_setup(void)
{
	char d[300];
	snprintf(kb_dir, sizeof kb_dir, "/tmp/asi-calib-%d", (int)getpid());
	mkdir(kb_dir, 0700);
	snprintf(d, sizeof d, "%s/include", kb_dir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/include/linux", kb_dir);
	mkdir(d, 0700);
	/* a header-like path of 5 components below /tmp, as include/linux/sched.h */
	snprintf(kb_file, sizeof kb_file, "%s/include/linux/sched.h", kb_dir);
	snprintf(kb_missing, sizeof kb_missing, "%s/include/linux/nosuch.h", kb_dir);
	snprintf(kb_map, sizeof kb_map, "%s/map64k", kb_dir);
	int fd = open(kb_file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1)
		die("kb_setup file");
	close(fd);
	fd = open(kb_map, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char buf[PAGE];
	memset(buf, 5, sizeof buf);
	for (int i = 0; i < 16; i++)
		if (fd < 0 || write(fd, buf, PAGE) != PAGE)
			die("kb_setup map file");
	fsync(fd);
	close(fd);
}

static void kb_cleanup(void)
{
	char d[300];
	unlink(kb_file);
	unlink(kb_map);
	snprintf(d, sizeof d, "%s/include/linux", kb_dir);
	rmdir(d);
	snprintf(d, sizeof d, "%s/include", kb_dir);
	rmdir(d);
	rmdir(kb_dir);
}

static void kb_sigh(int s) { (void)s; }

static void bench_kbsys(void)
{
	struct result r;
	struct stat st;
	const int n = 1000;
	kb_setup();

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			if (fstatat(AT_FDCWD, kb_file, &st, 0))
				die("newfstatat");
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("kbsys.newfstatat_existing", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			if (fstatat(AT_FDCWD, kb_missing, &st, 0) == 0)
				die("newfstatat missing");
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("kbsys.newfstatat_missing_enoent", &r, n);

	memset(&r, 0, sizeof r);
	for (int rep = 0; rep < reps(300); rep++) {
		struct stamp a = stamp();
		for (int i = 0; i < n; i++)
			if (openat(AT_FDCWD, kb_missing, O_RDONLY | O_NOCTTY) >= 0)
				die("openat missing");
		struct stamp b = stamp();
		res_add(&r, a, b, n);
	}
	report("kbsys.openat_missing_enoent", &r, n);

	/* openat of an existing file, and close, timed separately: batches of 256 */
	{
		const int m = 256;
		int fds[256];
		struct result ro = {0}, rc = {0};
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < m; i++)
				if ((fds[i] = openat(AT_FDCWD, kb_file, O_RDONLY | O_NOCTTY)) < 0)
					die("openat");
			struct stamp b = stamp();
			for (int i = 0; i < m; i++)
				close(fds[i]);
			struct stamp c = stamp();
			res_add(&ro, a, b, m);
			res_add(&rc, b, c, m);
		}
		report("kbsys.openat_existing", &ro, m);
		report("kbsys.close", &rc, m);
	}

	{
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = kb_sigh;
		memset(&r, 0, sizeof r);
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < n; i++)
				syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8);
			struct stamp b = stamp();
			res_add(&r, a, b, n);
		}
		report("kbsys.rt_sigaction", &r, n);
	}

	/* anonymous mmap and munmap of an untouched 8-page region (malloc's and ld.so's
	 * mappings that are not touched before they are unmapped), timed separately */
	{
		const int m = 128;
		void *v[128];
		struct result rm = {0}, ru = {0};
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < m; i++)
				if ((v[i] = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
					die("mmap");
			struct stamp b = stamp();
			for (int i = 0; i < m; i++)
				munmap(v[i], 8 * PAGE);
			struct stamp c = stamp();
			res_add(&rm, a, b, m);
			res_add(&ru, b, c, m);
		}
		report("kbsys.mmap_anon_8p_untouched", &rm, m);
		report("kbsys.munmap_anon_8p_untouched", &ru, m);
	}

	/* mprotect of the first 4 pages of a 16-page mapping to PROT_READ: a VMA split, as
	 * ld.so's RELRO mprotect */
	{
		const int m = 128;
		void *v[128];
		struct result rp = {0};
		for (int rep = 0; rep < reps(300); rep++) {
			for (int i = 0; i < m; i++)
				if ((v[i] = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
					die("mmap");
			struct stamp a = stamp();
			for (int i = 0; i < m; i++)
				if (mprotect(v[i], 4 * PAGE, PROT_READ))
					die("mprotect");
			struct stamp b = stamp();
			for (int i = 0; i < m; i++)
				munmap(v[i], 16 * PAGE);
			res_add(&rp, a, b, m);
		}
		report("kbsys.mprotect_split_4of16p", &rp, m);
	}

	/* brk: grow by 132 KiB (glibc malloc's default top pad) and shrink back, untouched */
	{
		struct result rb = {0};
		uintptr_t base = (uintptr_t)syscall(SYS_brk, 0);
		const int m = 500;
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < m; i++) {
				syscall(SYS_brk, base + 33 * PAGE);
				syscall(SYS_brk, base);
			}
			struct stamp b = stamp();
			res_add(&rb, a, b, 2 * m);
		}
		report("kbsys.brk_grow_shrink_132k_per_call", &rb, 2 * m);
	}

	{
		char buf[256];
		memset(&r, 0, sizeof r);
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < n; i++)
				if (readlink(kb_file, buf, sizeof buf) >= 0)
					die("readlink");
			struct stamp b = stamp();
			res_add(&r, a, b, n);
		}
		report("kbsys.readlink_not_symlink_einval", &r, n);
	}

	/* execve() of a missing path, as gcc's and make's PATH search (ENOENT) */
	{
		char *argv[] = {kb_missing, NULL};
		const int m = 200;
		memset(&r, 0, sizeof r);
		for (int rep = 0; rep < reps(300); rep++) {
			struct stamp a = stamp();
			for (int i = 0; i < m; i++)
				if (execve(kb_missing, argv, environ) == 0 || errno != ENOENT)
					die("execve missing");
			struct stamp b = stamp();
			res_add(&r, a, b, m);
		}
		report("kbsys.execve_missing_enoent", &r, m);
	}

	/* file-backed faults on a page-cache-resident 64 KiB file (16 pages):
	 * read: MAP_PRIVATE PROT_READ, the first touch faults and maps the cached
	 * neighbours (fault-around, do_read_fault -> filemap_map_pages); the other 15 are
	 * timed too (mapped by fault-around: no fault);
	 * write: MAP_PRIVATE read-write, a write to each page (do_cow_fault: a private copy) */
	{
		int fd = open(kb_map, O_RDONLY);
		struct result rf = {0}, rr = {0}, rw = {0}, ru = {0};
		if (fd < 0)
			die("open map file");
		for (int rep = 0; rep < reps(400); rep++) {
			volatile char *p = mmap(NULL, 16 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED)
				die("mmap file");
			unsigned sum = 0;
			struct stamp a = stamp();
			sum += p[0];
			struct stamp b = stamp();
			for (int i = 1; i < 16; i++)
				sum += p[i * PAGE];
			struct stamp c = stamp();
			munmap((void *)p, 16 * PAGE);
			res_add(&rf, a, b, 1);
			res_add(&rr, b, c, 15);
			p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED)
				die("mmap file rw");
			a = stamp();
			for (int i = 0; i < 16; i++)
				p[i * PAGE] = 1;
			b = stamp();
			munmap((void *)p, 16 * PAGE);
			c = stamp();
			res_add(&rw, a, b, 16);
			res_add(&ru, b, c, 16);
			if (sum == 12345)
				fprintf(stderr, "-");
		}
		close(fd);
		report("kbsys.fault_file_read_faultaround_first_touch", &rf, 1);
		report("kbsys.fault_file_read_faultaround_other_15_touches", &rr, 15);
		report("kbsys.fault_file_private_write_cow_per_page", &rw, 16);
		report("kbsys.munmap_file_cow_16p_per_page", &ru, 16);
	}

	/* exit teardown of a process with N touched anonymous pages: the child touches N
	 * pages, stamps a shared page and _exit()s; the parent stamps when waitpid()
	 * returns. Both on CPU 0, so the interval is do_exit (exit_mmap: zap, free, page
	 * tables) + the parent's wake-up and switch. N = 1 gives the fixed part. */
	{
		static const int sizes[] = {1, 256, 4096};
		volatile uint64_t *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
						 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (shared == MAP_FAILED)
			die("mmap shared");
		for (int k = 0; k < 3; k++) {
			int np = sizes[k];
			struct result re = {0};
			char name[128];
			for (int rep = 0; rep < reps(100); rep++) {
				pid_t pid = fork();
				if (pid == 0) {
					volatile char *q = map_anon(np * PAGE, MADV_NOHUGEPAGE, 0);
					for (int i = 0; i < np; i++)
						q[i * PAGE] = 1;
					struct stamp s = stamp();
					shared[0] = s.tsc;
					((volatile double *)shared)[1] = s.ns;
					_exit(0);
				}
				waitpid(pid, NULL, 0);
				struct stamp e = stamp();
				res_add_raw(&re, e.ns - ((volatile double *)shared)[1], (double)(e.tsc - shared[0]));
			}
			snprintf(name, sizeof name, "kbsys.exit_teardown_%dp_to_waitpid_return", np);
			report(name, &re, 1);
		}
		munmap((void *)shared, PAGE);
	}
	kb_cleanup();
}


/* ------------------------------------------------------------------ big-region faults */

/*
 * Anonymous write faults over a region larger than the LLC (64 MiB against 32 MiB), as cc1's
 * ~44 MiB of anonymous memory: the pages zeroed are not cache-resident and the region's page
 * tables and struct pages spread; with a 1 MiB region (the "fault" group's figure) in the same
 * sitting for comparison. One warm-up pass first, so the guest-physical memory is backed by the
 * host (not a first touch of guest memory).
 */
static void bench_bigfault(void)
{
	static const size_t mib[] = {1, 64};
	for (int k = 0; k < 2; k++) {
		size_t npages = mib[k] * 256, len = npages * PAGE;
		struct result wr = {0};
		char name[128];
		for (int rep = -1; rep < reps(k ? 30 : 400); rep++) {
			volatile char *p = map_anon(len, MADV_NOHUGEPAGE, 0);
			struct stamp a = stamp();
			for (size_t i = 0; i < npages; i++)
				p[i * PAGE] = 1;
			struct stamp b = stamp();
			if (rep >= 0)
				res_add(&wr, a, b, npages);
			munmap((void *)p, len);
		}
		snprintf(name, sizeof name, "bigfault.anon_write_4k_%zumib_region", mib[k]);
		report(name, &wr, npages);
	}
}

/* ------------------------------------------------------------------ cold */

/* Kernel bodies after user work: each operation is timed alone, right after a user pass
 * that reads and writes every cache line of a buffer of `sweep` bytes (0: the same loop
 * with no pass, the microbenchmarks' usual hot case). A real program enters the kernel
 * after its own work has replaced some of the kernel's lines in L1, L2 and the LLC; the
 * pass sizes bracket that (L2 is 1 MiB and the LLC 32 MiB on the development machine).
 * Ops: a first write to an anonymous page (the fault), newfstatat of an existing file,
 * openat of a missing one (the include-path search). */
static volatile unsigned char *cold_buf;

static void cold_pass(size_t sweep)
{
	for (size_t i = 0; i < sweep; i += 64)
		cold_buf[i]++;
}

static void bench_cold(void)
{
	static const size_t kib[] = {0, 256, 1024, 4096, 65536};
	const int nk = sizeof kib / sizeof kib[0];
	const size_t maxb = 65536 * 1024UL;
	struct stat st;
	char name[160];
	kb_setup();
	cold_buf = map_anon(maxb, MADV_NOHUGEPAGE, 0);
	memset((void *)cold_buf, 1, maxb);
	for (int k = 0; k < nk; k++) {
		size_t sweep = kib[k] * 1024;
		int n = reps(k == nk - 1 ? 1500 : 3000);
		struct result fw = {0}, fs = {0}, om = {0};
		const size_t npages = 512;
		volatile char *p = map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0);
		size_t next = 0;
		for (int rep = -20; rep < n; rep++) {
			if (next == npages) {
				munmap((void *)p, npages * PAGE);
				p = map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0);
				next = 0;
			}
			cold_pass(sweep);
			uint64_t a = rdtsc();
			p[next++ * PAGE] = 1;
			uint64_t b = rdtsc();
			cold_pass(sweep);
			uint64_t c = rdtsc();
			if (fstatat(AT_FDCWD, kb_file, &st, 0))
				die("newfstatat");
			uint64_t d = rdtsc();
			cold_pass(sweep);
			uint64_t e = rdtsc();
			if (openat(AT_FDCWD, kb_missing, O_RDONLY | O_NOCTTY) >= 0)
				die("openat missing");
			uint64_t f = rdtsc();
			if (rep < 0)
				continue;
			res_add_raw(&fw, (b - a) * 1e9 / tsc_hz, (double)(b - a));
			res_add_raw(&fs, (d - c) * 1e9 / tsc_hz, (double)(d - c));
			res_add_raw(&om, (f - e) * 1e9 / tsc_hz, (double)(f - e));
		}
		munmap((void *)p, npages * PAGE);
		snprintf(name, sizeof name, "cold.anon_write_fault_after_%zukib_pass", kib[k]);
		report(name, &fw, 1);
		snprintf(name, sizeof name, "cold.newfstatat_existing_after_%zukib_pass", kib[k]);
		report(name, &fs, 1);
		snprintf(name, sizeof name, "cold.openat_missing_after_%zukib_pass", kib[k]);
		report(name, &om, 1);
	}
	munmap((void *)cold_buf, maxb);
	kb_cleanup();
}

/* --------------------------------------------------------------- coldsame */

/* The same three operations, each series one kind only (fault after fault, as in the loops
 * the model's bodies come from), timed alone after a user pass of S bytes that fills the L1
 * caches the way cc1 does between kernel entries: cachegrind counts 64 % of cc1's L1 misses
 * in the I-cache and 36 % in the D-cache (docs/calibration.md), so the pass executes
 * 0.64 S of straight-line code (a nop sled ending in ret, 64-byte lines, mapped once) and
 * writes one byte per line of 0.36 S of data, both resident in L2 from the previous pass, as
 * most of cc1's L1 misses are (233 of 2 788 per entry go beyond a 1 MiB L2). S = 0 is the
 * loop's hot case; the model reads the extra over it as the cost of a cold kernel entry. */
static unsigned char *sled;

static void code_pass(size_t bytes)
{
	if (bytes < 64)
		return;
	/* enter the sled `bytes` before its ret */
	void (*fn)(void) = (void (*)(void))(sled + (8UL << 20) - bytes);
	fn();
}

static void bench_coldsame(void)
{
	static const size_t kib[] = {0, 8, 16, 32, 64, 128, 256, 512};
	const int nk = sizeof kib / sizeof kib[0];
	const size_t maxd = 1024 * 1024UL;
	struct stat st;
	char name[160];
	kb_setup();
	cold_buf = map_anon(maxd, MADV_NOHUGEPAGE, 0);
	memset((void *)cold_buf, 1, maxd);
	sled = mmap(NULL, (8UL << 20) + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sled == MAP_FAILED)
		die("mmap sled");
	memset(sled, 0x90, 8UL << 20);
	sled[8UL << 20] = 0xc3;
	if (mprotect(sled, (8UL << 20) + PAGE, PROT_READ | PROT_EXEC))
		die("mprotect sled");
	for (int k = 0; k < nk; k++) {
		size_t s = kib[k] * 1024;
		size_t code = (s * 64 / 100) & ~63UL, data = (s * 36 / 100) & ~63UL;
		for (int op = 0; op < 3; op++) {
			int n = reps(3000);
			struct result r = {0};
			const size_t npages = 512;
			volatile char *p = op == 0 ? map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0) : NULL;
			size_t next = 0;
			for (int rep = -20; rep < n; rep++) {
				if (op == 0 && next == npages) {
					munmap((void *)p, npages * PAGE);
					p = map_anon(npages * PAGE, MADV_NOHUGEPAGE, 0);
					next = 0;
				}
				code_pass(code);
				cold_pass(data);
				uint64_t a = rdtsc();
				if (op == 0) {
					p[next++ * PAGE] = 1;
				} else if (op == 1) {
					if (fstatat(AT_FDCWD, kb_file, &st, 0))
						die("newfstatat");
				} else if (openat(AT_FDCWD, kb_missing, O_RDONLY | O_NOCTTY) >= 0) {
					die("openat missing");
				}
				uint64_t b = rdtsc();
				if (rep >= 0)
					res_add_raw(&r, (b - a) * 1e9 / tsc_hz, (double)(b - a));
			}
			if (op == 0)
				munmap((void *)p, npages * PAGE);
			static const char *ops[] = {"anon_write_fault", "newfstatat_existing", "openat_missing"};
			snprintf(name, sizeof name, "coldsame.%s_after_%zukib_pass", ops[op], kib[k]);
			report(name, &r, 1);
		}
	}
	munmap(sled, (8UL << 20) + PAGE);
	munmap((void *)cold_buf, maxd);
	kb_cleanup();
}

/* ------------------------------------------------------------------ main */

/* --only takes a comma-separated list of groups */
static int in_list(const char *list, const char *g)
{
	size_t n = strlen(g);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, g, n) && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--shm-dir") && i + 1 < argc)
			shm_dir = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--quick] [--shm-dir DIR] [--only GROUP[,GROUP...]]\n"
				"groups: tsc syscall pread copy fault shootdown ctxsw spawn kbsys bigfault cold coldsame\n", argv[0]);
			return 2;
		}
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "need at least 2 online CPUs\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("meta.page_size=%ld\n", sysconf(_SC_PAGESIZE));
	printf("meta.quick=%d\n", quick);
	pin(0);
	bench_tsc();
#define RUN(g, f) if (!only || in_list(only, g)) { pin(0); f(); }
	RUN("syscall", bench_syscall);
	RUN("pread", bench_pread);
	RUN("copy", bench_copy);
	RUN("fault", bench_faults);
	RUN("shootdown", bench_shootdown);
	RUN("ctxsw", bench_ctxsw);
	RUN("spawn", bench_spawn);
	RUN("kbsys", bench_kbsys);
	RUN("bigfault", bench_bigfault);
	RUN("cold", bench_cold);
	RUN("coldsame", bench_coldsame);
	return 0;
}
