// Products with a narrow operand (at most 16 columns), the shape of randomized PCA's subspace iteration: X·Q and
// Xᵀ·Y for an n × D data matrix X and D × b or n × b bases (b = components + 8). The general SGEMM driver packs
// X for every such product, which costs more than the arithmetic; these read X once, in place. The threading is
// Swift's (Sources/Tensor/SkinnyProduct.swift): callers split the rows (nn) or the columns of X (tn).
#ifndef CK_SKINNY_H
#define CK_SKINNY_H

#include <stddef.h>

/// Rows `rows` of C = A·B: A row-major with leading dimension `lda` (its first `d` columns used), B d × 16 row-major
/// (columns nb ≤ 16 used, the rest zero), C rows × nb row-major (leading dimension nb). Each C element sums over
/// j = 0 … d−1 in order, so any split of the rows gives the same bits.
typedef void (*ck_skinny_nn_fn)(const float *a, size_t lda, size_t rows, size_t d, const float *b16, size_t nb,
                                float *c);

/// Rows j0 ..< j0 + count of C = Aᵀ·Y: A n × lda row-major (columns j0 ..< j0 + count used), Y n × 16 row-major
/// (columns nb ≤ 16 used, the rest zero), C count × nb row-major (leading dimension nb), overwritten. Each C element
/// sums over i = 0 … n−1 in order, so any split of the columns gives the same bits.
typedef void (*ck_skinny_tn_fn)(const float *a, size_t lda, size_t n, size_t j0, size_t count, const float *y16,
                                size_t nb, float *c);

/// The kernels for one instruction-set level.
typedef struct {
  int isa;  ///< the instruction set they need (as `ck_isa_level`)
  ck_skinny_nn_fn nn;
  ck_skinny_tn_fn tn;
} ck_skinny_kernels;

/// The kernels for an instruction-set level (as `ck_isa_level`; pass it once and keep the result).
ck_skinny_kernels ck_skinny_select(int isa);

#endif
