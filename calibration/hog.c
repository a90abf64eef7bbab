/* asi-sim calibration: a memory hog. Writes MB MiB of anonymous memory once, prints "hog: MB MiB",
 * and keeps it until killed, so that a mix run beside it meets reclaim.
 *   hog MB */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  size_t mb = strtoull(argv[1], 0, 10), i;
  char *p = malloc(mb << 20);
  if (!p) { perror("malloc"); return 1; }
  for (i = 0; i < (mb << 20); i += 4096) p[i] = 1;
  printf("hog: %zu MiB\n", mb); fflush(stdout);
  pause();
  return 0;
}
