// The KD-tree searches for any CPU (vector extensions lowered to the baseline SIMD), and their selection. The vectors
// are 16 bytes, the width every 64-bit CPU's baseline has (SSE2, NEON): wider ones would be passed and returned
// differently without AVX (clang's -Wpsabi), and the shared search returns vectors from its helpers.
#include "ck_distance.h"
#include "ck_kdtree.h"

#include <string.h>

typedef double ck_kd_vd __attribute__((vector_size(16), aligned(8)));
typedef int64_t ck_kd_vm __attribute__((vector_size(16), aligned(8)));

static inline ck_kd_vd ck_kd_load(const double *p) {
  ck_kd_vd v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static inline ck_kd_vd ck_kd_load_first(const double *p, int m) {
  ck_kd_vd v = {0, 0};
  memcpy(&v, p, sizeof(double) * (size_t)m);
  return v;
}

static inline unsigned ck_kd_bits(ck_kd_vm m) {
  return (unsigned)((m[0] & 1) | (m[1] & 2));
}

#define ATTR
#define W 2
#define VD ck_kd_vd
#define VLOAD(p) ck_kd_load(p)
#define VSET1(x) ((ck_kd_vd){0, 0} + (x))
#define VZERO() ((ck_kd_vd){0, 0})
#define VSUB(a, b) ((a) - (b))
#define VMUL(a, b) ((a) * (b))
#define VADD(a, b) ((a) + (b))
#define VABS(v) ((ck_kd_vd)((ck_kd_vm)(v) & (ck_kd_vm){INT64_MAX, INT64_MAX}))
#define VMAX(a, b) ck_kd_max((a), (b))
#define VLT_BITS(a, b) ck_kd_bits((a) < (b))
#define VLE_BITS(a, b) ck_kd_bits((a) <= (b))
#define VLOADN(p, m) ck_kd_load_first((p), (m))
#define VLANE(v, l) ((v)[l])
#define KNN_NAME ck_kdtree_knn_portable
#define COUNT_NAME ck_kdtree_count_portable

static inline ck_kd_vd ck_kd_max(ck_kd_vd a, ck_kd_vd b) {
  ck_kd_vm greater = b > a;
  return (ck_kd_vd)(((ck_kd_vm)b & greater) | ((ck_kd_vm)a & ~greater));
}

#include "kdtree_search.inc"

void ck_kdtree_knn_avx2(const ck_kdtree *t, int64_t p0, int64_t p1, int32_t k, double *distances, int64_t *indices);
void ck_kdtree_count_avx2(const ck_kdtree *t, int64_t p0, int64_t p1, const double *thresholds, int64_t *counts);
void ck_kdtree_knn_avx512(const ck_kdtree *t, int64_t p0, int64_t p1, int32_t k, double *distances,
                          int64_t *indices);
void ck_kdtree_count_avx512(const ck_kdtree *t, int64_t p0, int64_t p1, const double *thresholds, int64_t *counts);

ck_kdtree_kernels ck_kdtree_select(int isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa >= 2) return (ck_kdtree_kernels){2, ck_kdtree_knn_avx512, ck_kdtree_count_avx512};
  if (isa >= 1) return (ck_kdtree_kernels){1, ck_kdtree_knn_avx2, ck_kdtree_count_avx2};
#endif
  (void)isa;
  return (ck_kdtree_kernels){0, ck_kdtree_knn_portable, ck_kdtree_count_portable};
}
