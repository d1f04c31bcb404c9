#include "CKernels.h"

#if defined(__linux__)
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

int ck_terminate_with_parent(int parent) {
#if defined(__linux__)
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) return 0;
  return getppid() == (pid_t)parent ? 0 : -1;
#else
  (void)parent;
  return 0;
#endif
}
