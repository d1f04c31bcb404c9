// Portable SGEMM micro-kernel: 6×8 register tile in 4-lane GCC/Clang vector extensions (SSE2 / NEON / scalar).
#include "CKernels.h"
#include <string.h>

#define MR 6
#define NR 8

typedef float v4f __attribute__((vector_size(16)));

static inline v4f load4(const float *p) {
  v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

void ck_sgemm_kernel_portable(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                              float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr) {
  v4f acc[MR][2];
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = (v4f){0, 0, 0, 0};
  for (ptrdiff_t p = 0; p < kc; p++) {
    v4f b0 = load4(b), b1 = load4(b + 4);
    for (int i = 0; i < MR; i++) {
      v4f ai = {a[i], a[i], a[i], a[i]};
      acc[i][0] += ai * b0;
      acc[i][1] += ai * b1;
    }
    a += MR;
    b += ldb;
  }
  v4f va = {alpha, alpha, alpha, alpha}, vb = {beta, beta, beta, beta};
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float *row = c + i * ldc;
      if (beta == 0) {
        store4(row, va * acc[i][0]);
        store4(row + 4, va * acc[i][1]);
      } else {
        store4(row, va * acc[i][0] + vb * load4(row));
        store4(row + 4, va * acc[i][1] + vb * load4(row + 4));
      }
    }
    return;
  }
  float tile[MR][NR];
  for (int i = 0; i < MR; i++) {
    store4(&tile[i][0], va * acc[i][0]);
    store4(&tile[i][4], va * acc[i][1]);
  }
  for (ptrdiff_t i = 0; i < mr; i++)
    for (ptrdiff_t j = 0; j < nr; j++)
      c[i * ldc + j] = beta == 0 ? tile[i][j] : tile[i][j] + beta * c[i * ldc + j];
}
