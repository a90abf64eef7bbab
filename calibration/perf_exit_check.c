/* Does a CPU profile see a process's exit teardown?  The parent forks N children one after
 * another; each touches 4096 anonymous pages (16 MiB) and _exit()s, so each do_exit() ->
 * exit_mm() frees 4096 pages.  Under `perf record -e cpu-clock -g -- ./perf_exit_check N`,
 * the share of samples under do_exit() against those under the faults says whether the
 * teardown is sampled (microbench.c kbsys measures it at about a third of the faults' cost).
 *
 *   gcc -O2 -Wall -o /tmp/perf_exit_check calibration/perf_exit_check.c
 *   perf record -q -e cpu-clock -F 999 -g -o /tmp/pec.data -- /tmp/perf_exit_check 300
 *   perf report -i /tmp/pec.data --stdio -q --children -g none --sort sym
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300;
	const long pages = 4096;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			char *m = mmap(0, pages * 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				_exit(1);
			for (long j = 0; j < pages; j++)
				m[j * 4096] = 1;
			_exit(0);
		}
		waitpid(p, 0, 0);
	}
	return 0;
}
