// AVX-512F SGEMM micro-kernel: 8×48 register tile (24 zmm accumulators, 3 B loads, 1 broadcast per row).
#include "CKernels.h"

#ifdef CK_HAVE_X86_KERNELS
#include <immintrin.h>

#define MR 8
#define NR 48

// The tile body for `nv` 16-float column vectors (nv = 1, 2, 3): the last column panel of a matrix whose width
// is not a multiple of 48 runs with only the vectors it needs (e.g. 256 = 5·48 + 16 wastes no FMAs).
__attribute__((target("avx512f"), always_inline))
static inline void tile(const int nv, ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c,
                        ptrdiff_t ldc, float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr) {
  __m512 acc[MR][3];
  _Pragma("unroll") for (int i = 0; i < MR; i++)
    _Pragma("unroll") for (int j = 0; j < nv; j++) acc[i][j] = _mm512_setzero_ps();
  for (ptrdiff_t p = 0; p < kc; p++) {
    __m512 bv[3];
    _Pragma("unroll") for (int j = 0; j < nv; j++) bv[j] = _mm512_loadu_ps(b + 16 * j);
    _Pragma("unroll") for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      _Pragma("unroll") for (int j = 0; j < nv; j++) acc[i][j] = _mm512_fmadd_ps(ai, bv[j], acc[i][j]);
    }
    a += MR;
    b += ldb;
  }
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  if (mr == MR && nr == 16 * nv) {
    _Pragma("unroll") for (int i = 0; i < MR; i++) {
      float *row = c + i * ldc;
      _Pragma("unroll") for (int j = 0; j < nv; j++) {
        __m512 r = _mm512_mul_ps(va, acc[i][j]);
        if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16 * j), r);
        _mm512_storeu_ps(row + 16 * j, r);
      }
    }
    return;
  }
  // Edge tile: masked loads and stores touch only the valid rows and columns, never C outside the matrix.
  // Loops over constant bounds (unrolled) keep every accumulator index constant, so nothing spills.
  _Pragma("unroll") for (int i = 0; i < MR; i++) {
    if (i >= mr) break;
    float *row = c + i * ldc;
    _Pragma("unroll") for (int j = 0; j < nv; j++) {
      ptrdiff_t left = nr - 16 * j;
      __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
      __m512 r = _mm512_mul_ps(va, acc[i][j]);
      if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, row + 16 * j), r);
      _mm512_mask_storeu_ps(row + 16 * j, mask, r);
    }
  }
}

__attribute__((target("avx512f")))
void ck_sgemm_kernel_avx512(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                            float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr) {
  if (nr > 32) {
    tile(3, kc, a, b, ldb, c, ldc, alpha, beta, mr, nr);
  } else if (nr > 16) {
    tile(2, kc, a, b, ldb, c, ldc, alpha, beta, mr, nr);
  } else {
    tile(1, kc, a, b, ldb, c, ldc, alpha, beta, mr, nr);
  }
}
#endif
