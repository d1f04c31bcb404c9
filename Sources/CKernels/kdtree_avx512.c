// The KD-tree searches for AVX-512F (8 doubles per vector).
#include "ck_distance.h"
#include "ck_kdtree.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define ATTR __attribute__((target("avx512f")))
#define W 8
#define VD __m512d
#define VLOAD(p) _mm512_loadu_pd(p)
#define VSET1(x) _mm512_set1_pd(x)
#define VZERO() _mm512_setzero_pd()
#define VSUB _mm512_sub_pd
#define VMUL _mm512_mul_pd
#define VADD _mm512_add_pd
#define VABS(v) _mm512_abs_pd(v)
#define VMAX _mm512_max_pd
#define VLT_BITS(a, b) ((unsigned)_mm512_cmp_pd_mask((a), (b), _CMP_LT_OQ))
#define VLE_BITS(a, b) ((unsigned)_mm512_cmp_pd_mask((a), (b), _CMP_LE_OQ))
#define VLOADN(p, m) _mm512_maskz_loadu_pd((__mmask8)((1u << (m)) - 1u), (p))
#define VLANE(v, l) (((const double *)&(v))[l])
#define KNN_NAME ck_kdtree_knn_avx512
#define COUNT_NAME ck_kdtree_count_avx512
#include "kdtree_search.inc"
#endif
