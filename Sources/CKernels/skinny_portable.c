// The narrow-product kernels for any CPU (vector extensions lowered to the baseline SIMD), and their selection.
#include "ck_skinny.h"

#define ATTR
#define SKINNY_NN ck_skinny_nn_portable
#define SKINNY_TN ck_skinny_tn_portable
#include "skinny_block.inc"

void ck_skinny_nn_avx2(const float *a, size_t lda, size_t rows, size_t d, const float *b16, size_t nb, float *c);
void ck_skinny_tn_avx2(const float *a, size_t lda, size_t n, size_t j0, size_t count, const float *y16, size_t nb,
                       float *c);

ck_skinny_kernels ck_skinny_select(int isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa >= 1) return (ck_skinny_kernels){1, ck_skinny_nn_avx2, ck_skinny_tn_avx2};
#endif
  (void)isa;
  return (ck_skinny_kernels){0, ck_skinny_nn_portable, ck_skinny_tn_portable};
}
