// Direct-convolution kernels for AVX2+FMA (ymm vectors; the multiply-adds contract to FMA).
#include "ck_conv.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ATTR __attribute__((target("avx2,fma")))
#define FORWARD_BLOCK ck_conv_forward_block_avx2
#define FORWARD ck_conv_forward_avx2
#define GRAD_BLOCK ck_conv_grad_block_avx2
#define GRAD_NARROW ck_conv_grad_narrow_avx2
#define FORWARD_NARROW ck_conv_forward_narrow_avx2
#define FMA_MEM(acc, w, ptr) __asm__("vfmadd231ps %2, %1, %0" : "+x"(acc) : "x"(w), "m"(*(const ck_v8u *)(ptr)))
#define WEIGHT_GRAD ck_conv_weight_grad_avx2
#include "conv_flat.inc"
#endif
