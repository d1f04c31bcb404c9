// Direct stride-1 convolution kernels over a "flat padded" layout (see Sources/Tensor/FlatConvolution.swift for the
// layout, the batching and the threading; these are only the inner loops).
//
// A channel's padded images are stored one after another as one long row of floats; a kernel tap (ki, kj) is then a
// fixed offset ki·Wp + kj into that row (Wp the padded width), so a convolution is, per output channel, a sum over
// input channels and taps of shifted rows scaled by one weight: out[o, i] = Σ_c Σ_t w[o, c, t] · in[c, i + off[t]].
// Positions i that do not correspond to an output pixel are computed too and discarded by the caller.
#ifndef CK_CONV_H
#define CK_CONV_H

#include <stddef.h>

/// out[o, i] = Σ_k w[o·K + k] · in[i + offsets[k]] for o < O and i in [0, length) rounded up to a multiple of 96,
/// where k runs over (input channel, tap) pairs: offsets[c·T + t] = c·(channel row stride) + (tap t's offset).
///
/// - `in` must be readable at every index the rounded range touches: roundup(length, 96) + max offset.
/// - `out` has row stride `out_stride` ≥ roundup(length, 96); every element of the rounded range may be written.
typedef void (*ck_conv_forward_fn)(ptrdiff_t K, ptrdiff_t O, const ptrdiff_t *offsets, const float *w,
                                   const float *in, float *out, ptrdiff_t out_stride, ptrdiff_t length);

/// dw[(o·C + c)·T + t] += Σ_{i < length} g[o·g_stride + i] · in[c·in_stride + i + offsets[t]].
///
/// `length` must be a multiple of 32; `in` readable at c·in_stride + length + max offset.
typedef void (*ck_conv_weight_grad_fn)(ptrdiff_t C, ptrdiff_t O, ptrdiff_t T, const ptrdiff_t *offsets,
                                       const float *g, ptrdiff_t g_stride, const float *in, ptrdiff_t in_stride,
                                       ptrdiff_t length, float *dw);

/// The kernels for one instruction-set level.
typedef struct {
  int isa;  ///< the instruction set they need (as `ck_isa_level`)
  ck_conv_forward_fn forward;
  ck_conv_weight_grad_fn weight_grad;
} ck_conv_kernels;

/// dst[r·dst_stride + j] = src[r·src_stride + j] + bias for r < rows, j < width (bias 0 for a plain copy).
void ck_copy_plane(const float *src, ptrdiff_t src_stride, float *dst, ptrdiff_t dst_stride, ptrdiff_t rows,
                   ptrdiff_t width, float bias);

/// Σ x[i] for i < n, in 16 interleaved partial sums (a fixed order: the same result on every run).
float ck_sum(const float *x, ptrdiff_t n);

/// The kernels for instruction-set level `isa` (0 portable, ≥ 1 AVX2+FMA), capped at what this build has.
ck_conv_kernels ck_conv_select(int isa);

void ck_conv_forward_portable(ptrdiff_t K, ptrdiff_t O, const ptrdiff_t *offsets, const float *w, const float *in,
                              float *out, ptrdiff_t out_stride, ptrdiff_t length);
void ck_conv_weight_grad_portable(ptrdiff_t C, ptrdiff_t O, ptrdiff_t T, const ptrdiff_t *offsets, const float *g,
                                  ptrdiff_t g_stride, const float *in, ptrdiff_t in_stride, ptrdiff_t length,
                                  float *dw);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
void ck_conv_forward_avx2(ptrdiff_t K, ptrdiff_t O, const ptrdiff_t *offsets, const float *w, const float *in,
                          float *out, ptrdiff_t out_stride, ptrdiff_t length);
void ck_conv_weight_grad_avx2(ptrdiff_t C, ptrdiff_t O, ptrdiff_t T, const ptrdiff_t *offsets, const float *g,
                              ptrdiff_t g_stride, const float *in, ptrdiff_t in_stride, ptrdiff_t length, float *dw);
#endif

#endif
