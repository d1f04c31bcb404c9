// CKernels: SIMD micro-kernels with run-time CPU dispatch. Everything else (packing, blocking, threading) is Swift.
#ifndef CKERNELS_H
#define CKERNELS_H

/// The instruction set the kernels dispatch to on this CPU: 0 portable, 1 AVX2+FMA, 2 AVX-512F.
int ck_isa_level(void);

/// glibc only: blocks up to 32 MiB from the heap, up to 1 GiB of freed heap kept, growth in 256 MiB steps
/// (see HeapTuning.swift); does nothing elsewhere. Returns how many of the three settings glibc accepted (0 elsewhere).
int ck_keep_freed_blocks(void);

/// Linux only: asks the kernel to send this process SIGTERM when its parent ends, then checks that the parent is
/// still `parent` (it may have ended before the request). Returns 0 when the parent is alive and the request holds,
/// -1 when the parent has already gone; elsewhere does nothing and returns 0.
int ck_terminate_with_parent(int parent);

#include "ck_gemm.h"
#include "ck_distance.h"
#include "ck_conv.h"
#include "ck_random.h"
#include "ck_skinny.h"
#include "ck_kdtree.h"

#endif
