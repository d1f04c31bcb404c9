// AVX2+FMA SGEMM micro-kernel: 6×16 register tile (12 ymm accumulators, 2 B loads, 1 broadcast).
#include "CKernels.h"

#ifdef CK_HAVE_X86_KERNELS
#include <immintrin.h>

#define MR 6
#define NR 16

__attribute__((target("avx2,fma")))
void ck_sgemm_kernel_avx2(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                          float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr) {
  __m256 acc[MR][2];
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (ptrdiff_t p = 0; p < kc; p++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (int i = 0; i < MR; i++) {
      __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += MR;
    b += ldb;
  }
  __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float *row = c + i * ldc;
      if (beta == 0) {
        _mm256_storeu_ps(row, _mm256_mul_ps(va, acc[i][0]));
        _mm256_storeu_ps(row + 8, _mm256_mul_ps(va, acc[i][1]));
      } else {
        _mm256_storeu_ps(row, _mm256_fmadd_ps(va, acc[i][0], _mm256_mul_ps(vb, _mm256_loadu_ps(row))));
        _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(va, acc[i][1], _mm256_mul_ps(vb, _mm256_loadu_ps(row + 8))));
      }
    }
    return;
  }
  float tile[MR][NR];
  for (int i = 0; i < MR; i++) {
    _mm256_storeu_ps(&tile[i][0], _mm256_mul_ps(va, acc[i][0]));
    _mm256_storeu_ps(&tile[i][8], _mm256_mul_ps(va, acc[i][1]));
  }
  for (ptrdiff_t i = 0; i < mr; i++)
    for (ptrdiff_t j = 0; j < nr; j++)
      c[i * ldc + j] = beta == 0 ? tile[i][j] : tile[i][j] + beta * c[i * ldc + j];
}
#endif
