#include "ck_distance.h"
#include "distance_simd.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define INLINE __attribute__((target("avx2,fma"))) static inline __attribute__((always_inline))
#define VEC __m256d
#define W 4
#define ZERO() _mm256_setzero_pd()
#define LOAD(p) _mm256_loadu_pd(p)
#define STORE(p, v) _mm256_storeu_pd((p), (v))
#define SET1(x) _mm256_set1_pd(x)
#define SUB _mm256_sub_pd
#define MUL _mm256_mul_pd
#define ADD _mm256_add_pd
#define MAX _mm256_max_pd
#define ABS(v) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (v))
#define FUNC __attribute__((target("avx2,fma"))) ck_distance_tile_avx2
#include "distance_tile.inc"

#else
void ck_distance_tile_avx2(int metric, int d, const double *queries, long ldq, int nq,
                           const double *candidates_t, long ldc, int nc, double *out, long ldo) {
  ck_distance_tile_portable(metric, d, queries, ldq, nq, candidates_t, ldc, nc, out, ldo);
}
#endif
