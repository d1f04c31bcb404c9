// Run-time choice of the SGEMM micro-kernel (the caller passes ck_isa_level() once and keeps the result).
#include "CKernels.h"

ck_sgemm_kernel_info ck_sgemm_select(int isa) {
#ifdef CK_HAVE_X86_KERNELS
  if (isa >= 2) return (ck_sgemm_kernel_info){8, 48, 2, ck_sgemm_kernel_avx512};
  if (isa >= 1) return (ck_sgemm_kernel_info){6, 16, 1, ck_sgemm_kernel_avx2};
#endif
  (void)isa;
  return (ck_sgemm_kernel_info){6, 8, 0, ck_sgemm_kernel_portable};
}
