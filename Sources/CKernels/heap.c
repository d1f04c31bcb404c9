// stdlib.h first: it defines __GLIBC__ (through features.h) on glibc systems. Without a libc header before the test
// below, __GLIBC__ is never defined here and the settings silently compile to nothing (as they did until this fix).
#include <stdlib.h>

#include "CKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int ck_keep_freed_blocks(void) {
  int applied = 0;
#if defined(__GLIBC__)
  applied += mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's ceiling for this setting
  applied += mallopt(M_TRIM_THRESHOLD, 1 << 30);
  applied += mallopt(M_TOP_PAD, 256 << 20);
#endif
  return applied;
}
