#include "ck_distance.h"
#include "distance_simd.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define INLINE __attribute__((target("avx512f"))) static inline __attribute__((always_inline))
#define VEC __m512d
#define W 8
#define ZERO() _mm512_setzero_pd()
#define LOAD(p) _mm512_loadu_pd(p)
#define STORE(p, v) _mm512_storeu_pd((p), (v))
#define SET1(x) _mm512_set1_pd(x)
#define SUB _mm512_sub_pd
#define MUL _mm512_mul_pd
#define ADD _mm512_add_pd
#define MAX _mm512_max_pd
#define ABS(v) _mm512_abs_pd(v)
#define FUNC __attribute__((target("avx512f"))) ck_distance_tile_avx512
#include "distance_tile.inc"

#else
void ck_distance_tile_avx512(int metric, int d, const double *queries, long ldq, int nq,
                             const double *candidates_t, long ldc, int nc, double *out, long ldo) {
  ck_distance_tile_portable(metric, d, queries, ldq, nq, candidates_t, ldc, nc, out, ldo);
}
#endif
