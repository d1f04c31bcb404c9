#include "ck_distance.h"

// Scalar reference kernel: the order of operations every SIMD path reproduces exactly.
static inline double tile_entry(int metric, int d, const double *q, const double *ct, long ldc, int c) {
  double acc = 0.0;
  if (metric == CK_METRIC_MAX_NORM) {
    for (int j = 0; j < d; j++) {
      double diff = q[j] - ct[j * ldc + c];
      double a = diff < 0 ? -diff : diff;
      acc = acc < a ? a : acc;
    }
  } else {
    for (int j = 0; j < d; j++) {
      double diff = q[j] - ct[j * ldc + c];
      double sq = diff * diff;
      acc = acc + sq;
    }
  }
  return acc;
}

void ck_distance_tile_portable(int metric, int d, const double *queries, long ldq, int nq,
                               const double *candidates_t, long ldc, int nc, double *out, long ldo) {
  for (int q = 0; q < nq; q++) {
    for (int c = 0; c < nc; c++) {
      out[q * ldo + c] = tile_entry(metric, d, queries + q * ldq, candidates_t, ldc, c);
    }
  }
}

void ck_distance_tail(int metric, int d, const double *queries, long ldq, int nq, const double *candidates_t,
                      long ldc, int c0, int nc, double *out, long ldo) {
  for (int q = 0; q < nq; q++) {
    for (int c = c0; c < nc; c++) {
      out[q * ldo + c] = tile_entry(metric, d, queries + q * ldq, candidates_t, ldc, c);
    }
  }
}
