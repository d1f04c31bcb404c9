// Run-time choice of the direct-convolution kernels (the caller passes ck_isa_level() once and keeps the result).
#include "CKernels.h"

ck_conv_kernels ck_conv_select(int isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa >= 1) return (ck_conv_kernels){1, ck_conv_forward_avx2, ck_conv_weight_grad_avx2};
#endif
  (void)isa;
  return (ck_conv_kernels){0, ck_conv_forward_portable, ck_conv_weight_grad_portable};
}
