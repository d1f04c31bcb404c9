// Direct-convolution kernels for any CPU (vector extensions lowered to whatever SIMD the baseline target has).
#include "ck_conv.h"

#define ATTR
#define FORWARD_BLOCK ck_conv_forward_block_portable
#define FORWARD ck_conv_forward_portable
#define GRAD_BLOCK ck_conv_grad_block_portable
#define GRAD_NARROW ck_conv_grad_narrow_portable
#define FORWARD_NARROW ck_conv_forward_narrow_portable
#define FMA_MEM(acc, w, ptr) ((acc) = (acc) + (w) * LOADV(ptr))
#define WEIGHT_GRAD ck_conv_weight_grad_portable
#include "conv_flat.inc"
