// SGEMM micro-kernels (see Sources/Tensor/GEMM.swift for the driver).
#ifndef CK_GEMM_H
#define CK_GEMM_H
#endif
