// CKernels: SIMD micro-kernels with run-time CPU dispatch. Everything else (packing, blocking, threading) is Swift.
#ifndef CKERNELS_H
#define CKERNELS_H

/// The instruction set the kernels dispatch to on this CPU: 0 portable, 1 AVX2+FMA, 2 AVX-512F.
int ck_isa_level(void);

#include "ck_gemm.h"
#include "ck_distance.h"

#endif
