// The KD-tree searches for AVX2 (4 doubles per vector).
#include "ck_distance.h"
#include "ck_kdtree.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define ATTR __attribute__((target("avx2")))

// The lane mask of the first m < 4 lanes for _mm256_maskload_pd.
ATTR static inline __m256i ck_kd_lanes(int m) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(m), _mm256_setr_epi64x(0, 1, 2, 3));
}
#define W 4
#define VD __m256d
#define VLOAD(p) _mm256_loadu_pd(p)
#define VSET1(x) _mm256_set1_pd(x)
#define VZERO() _mm256_setzero_pd()
#define VSUB _mm256_sub_pd
#define VMUL _mm256_mul_pd
#define VADD _mm256_add_pd
#define VABS(v) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (v))
#define VMAX _mm256_max_pd
#define VLT_BITS(a, b) ((unsigned)_mm256_movemask_pd(_mm256_cmp_pd((a), (b), _CMP_LT_OQ)))
#define VLE_BITS(a, b) ((unsigned)_mm256_movemask_pd(_mm256_cmp_pd((a), (b), _CMP_LE_OQ)))
#define VLOADN(p, m) ((m) == 4 ? _mm256_loadu_pd(p) : _mm256_maskload_pd((p), ck_kd_lanes((m))))
#define VLANE(v, l) (((const double *)&(v))[l])
#define KNN_NAME ck_kdtree_knn_avx2
#define COUNT_NAME ck_kdtree_count_avx2
#include "kdtree_search.inc"
#endif
