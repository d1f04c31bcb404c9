// The normal-block kernel for AVX2+FMA (ymm vectors).
#include "ck_random.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ATTR __attribute__((target("avx2,fma")))
#define NORMAL_BLOCK ck_normal_block_avx2
#define NOISE_FACTORS ck_noise_factors_avx2
#include "normal_block.inc"
#endif
