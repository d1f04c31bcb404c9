// The narrow-product kernels for AVX2+FMA (ymm vectors).
#include "ck_skinny.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ATTR __attribute__((target("avx2,fma")))
#define SKINNY_NN ck_skinny_nn_avx2
#define SKINNY_TN ck_skinny_tn_avx2
#include "skinny_block.inc"
#endif
