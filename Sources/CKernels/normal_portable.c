// The normal-block kernel for any CPU (vector extensions lowered to the baseline SIMD), and the noise factors.
#include "ck_random.h"

#define ATTR
#define NORMAL_BLOCK ck_normal_block_portable
#define NOISE_FACTORS ck_noise_factors_portable
#include "normal_block.inc"

void ck_normal_block_avx2(uint64_t seed, size_t first_pair, size_t n, float *out);
void ck_noise_factors_avx2(float *z, size_t count, size_t first_element, float sigma, uint64_t drop_seed,
                           uint32_t threshold, float scale);

ck_random_kernels ck_random_select(int isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa >= 1) return (ck_random_kernels){1, ck_normal_block_avx2, ck_noise_factors_avx2};
#endif
  (void)isa;
  return (ck_random_kernels){0, ck_normal_block_portable, ck_noise_factors_portable};
}
