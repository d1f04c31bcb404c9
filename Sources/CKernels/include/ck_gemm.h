// SGEMM micro-kernels (see Sources/Tensor/GEMM.swift for the driver: packing, blocking and threading are Swift).
#ifndef CK_GEMM_H
#define CK_GEMM_H

#include <stddef.h>

/// One register-tiled micro-kernel call: C[0..<mr, 0..<nr] = alpha·A·B + beta·C over one MR×NR tile.
///
/// - `a`: a packed A micro-panel, kc steps of MR floats (column p of the tile's rows at a[p·MR ..< p·MR + MR]).
/// - `b`: kc rows of NR floats, row p at b[p·ldb ..< p·ldb + NR] (ldb = NR for a packed B micro-panel).
/// - `c`: the tile's top-left element in row-major C with row stride ldc.
/// - `mr` ≤ MR and `nr` ≤ NR: the valid part of the tile (edge tiles); A and B must still hold a full MR×NR tile
///   (packing pads with zeros). When beta == 0, C is not read, so NaNs in C are overwritten.
typedef void (*ck_sgemm_kernel_fn)(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c,
                                   ptrdiff_t ldc, float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr);

/// A micro-kernel and its register-tile shape.
typedef struct {
  int mr;                   ///< rows of the register tile (MR)
  int nr;                   ///< columns of the register tile (NR)
  int isa;                  ///< the instruction set it needs (as `ck_isa_level`)
  ck_sgemm_kernel_fn kernel;
} ck_sgemm_kernel_info;

/// The fastest kernel for instruction-set level `isa` (0 portable, 1 AVX2+FMA, 2 AVX-512F), capped at what this
/// build has. Pass `ck_isa_level()` for the machine's best; lower levels let tests check every kernel.
ck_sgemm_kernel_info ck_sgemm_select(int isa);

/// The portable micro-kernel (6×8, GCC vector extensions, any CPU).
void ck_sgemm_kernel_portable(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                              float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CK_HAVE_X86_KERNELS 1
/// 6×16 with AVX2 and FMA (12 ymm accumulators).
void ck_sgemm_kernel_avx2(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                          float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr);
/// 8×48 with AVX-512F (24 zmm accumulators); MR = 8 so typical channel counts (16, 32, 64) divide evenly.
void ck_sgemm_kernel_avx512(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                            float alpha, float beta, ptrdiff_t mr, ptrdiff_t nr);
#endif

#endif
