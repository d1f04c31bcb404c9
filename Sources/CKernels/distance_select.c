#include "CKernels.h"
#include "distance_simd.h"

// Chooses the widest kernel this CPU runs, once (ck_isa_level caches nothing, so remember its answer).
void ck_distance_tile(int metric, int d, const double *queries, long ldq, int nq, const double *candidates_t,
                      long ldc, int nc, double *out, long ldo) {
  static int level = -1;
  int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
  if (l < 0) {
    l = ck_isa_level();
    __atomic_store_n(&level, l, __ATOMIC_RELAXED);
  }
  if (l >= 2) ck_distance_tile_avx512(metric, d, queries, ldq, nq, candidates_t, ldc, nc, out, ldo);
  else if (l == 1) ck_distance_tile_avx2(metric, d, queries, ldq, nq, candidates_t, ldc, nc, out, ldo);
  else ck_distance_tile_portable(metric, d, queries, ldq, nq, candidates_t, ldc, nc, out, ldo);
}
