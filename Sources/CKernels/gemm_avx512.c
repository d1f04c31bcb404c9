// AVX-512F SGEMM micro-kernel: 8×48 register tile (24 zmm accumulators, 3 B loads, 1 broadcast per row).
#include "CKernels.h"

#ifdef CK_HAVE_X86_KERNELS
#include <immintrin.h>

#define MR 8
#define NR 48

__attribute__((target("avx512f")))
void ck_sgemm_kernel_avx512(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                            float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr) {
  __m512 acc[MR][3];
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = acc[i][2] = _mm512_setzero_ps();
  for (ptrdiff_t p = 0; p < kc; p++) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
    for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
      acc[i][2] = _mm512_fmadd_ps(ai, b2, acc[i][2]);
    }
    a += MR;
    b += ldb;
  }
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float *row = c + i * ldc;
      for (int j = 0; j < 3; j++) {
        __m512 r = _mm512_mul_ps(va, acc[i][j]);
        if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16 * j), r);
        _mm512_storeu_ps(row + 16 * j, r);
      }
    }
    return;
  }
  // Edge tile: spill the accumulators (constant indices keep them in registers above), then masked loads and
  // stores touch only the valid columns, never C outside the matrix.
  float tile[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < 3; j++) _mm512_storeu_ps(&tile[i][16 * j], _mm512_mul_ps(va, acc[i][j]));
  for (ptrdiff_t i = 0; i < mr; i++) {
    float *row = c + i * ldc;
    for (int j = 0; j < 3; j++) {
      ptrdiff_t left = nr - 16 * j;
      if (left <= 0) break;
      __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      __m512 r = _mm512_loadu_ps(&tile[i][16 * j]);
      if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, row + 16 * j), r);
      _mm512_mask_storeu_ps(row + 16 * j, mask, r);
    }
  }
}
#endif
