// Counter-based random numbers for the stochastic layers: standard normals (Box–Muller) and relative-noise factors
// with an optional dropout mask. The threading is Swift's (Sources/NeuralNetwork/Ops/Variable+Stochastic.swift); these
// are the per-block inner loops.
#ifndef CK_RANDOM_H
#define CK_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/// SplitMix64's finaliser of seed + index·golden: 64 independent-looking bits per (seed, index).
static inline uint64_t ck_random_bits(uint64_t seed, uint64_t index) {
  uint64_t z = seed + index * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// One block of standard normals: pairs `first_pair` ..< `first_pair + n` (n ≤ 256) of the stream of `seed`.
/// Pair j takes ck_random_bits(seed, j): its bits 40…63 give the radius uniform u = (b + 1)·2⁻²⁴ ∈ (0, 1], its bits
/// 8…31 the angle (2 bits of quadrant, 22 inside it); out[k] = √(−2 ln u)·cos θ and out[n + k] = √(−2 ln u)·sin θ
/// for pair first_pair + k. Logarithm, sine and cosine are polynomials (relative error < 1e-6).
typedef void (*ck_normal_block_fn)(uint64_t seed, size_t first_pair, size_t n, float *out);

/// Turns `count` (even) standard normals z at elements `first_element` … (even) into relative-noise factors in place:
/// f = scale·(1 + sigma·z), and with dropout (threshold > 0) f = keep ? scale·(1 + sigma·z) : 0, where element e is kept when
/// its 24-bit uniform — bits 40…63 (e even) or 8…31 (e odd) of ck_random_bits(drop_seed, e / 2) — is ≥ threshold.
typedef void (*ck_noise_factors_fn)(float *z, size_t count, size_t first_element, float sigma, uint64_t drop_seed,
                                    uint32_t threshold, float scale);

/// The kernels for one instruction-set level.
typedef struct {
  int isa;  ///< the instruction set they need (as `ck_isa_level`)
  ck_normal_block_fn normal_block;
  ck_noise_factors_fn noise_factors;
} ck_random_kernels;

/// The kernels for an instruction-set level (as `ck_isa_level`; pass it once and keep the result).
ck_random_kernels ck_random_select(int isa);

#endif
