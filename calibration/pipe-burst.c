/* asi-sim calibration (issue 12): a burst of unmovable page allocations under page-cache pressure.
 * Opens NPIPES pipes and fills each with PIPE_KB KiB: every pipe_buffer page is
 * alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT) (fs/pipe.c, anon_pipe_get_page()), unmovable, and
 * stays allocated until exit. Prints the pages it holds, then sleeps for SLEEP_S seconds.
 *   pipe-burst NPIPES PIPE_KB SLEEP_S */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: pipe-burst NPIPES PIPE_KB SLEEP_S\n");
    return 2;
  }
  int n = atoi(argv[1]), kb = atoi(argv[2]), sleep_s = atoi(argv[3]);
  static char buf[4096];
  memset(buf, 'x', sizeof buf);
  long pages = 0;
  for (int i = 0; i < n; i++) {
    int fd[2];
    if (pipe(fd) < 0) {
      perror("pipe");
      break;
    }
    if (fcntl(fd[1], F_SETPIPE_SZ, kb * 1024) < 0) {
      perror("F_SETPIPE_SZ");
      break;
    }
    for (int k = 0; k < kb / 4; k++) {
      if (write(fd[1], buf, sizeof buf) != sizeof buf) {
        perror("write");
        return 1;
      }
      pages++;
    }
  }
  printf("pipe-burst: %d pipes, %ld pages held\n", n, pages);
  fflush(stdout);
  sleep(sleep_s);
  return 0;
}
