// Internal: shared declarations of the distance kernels (not part of the public module headers).
#ifndef CK_DISTANCE_SIMD_H
#define CK_DISTANCE_SIMD_H
void ck_distance_tail(int metric, int d, const double *queries, long ldq, int nq, const double *candidates_t,
                      long ldc, int c0, int nc, double *out, long ldo);
void ck_distance_tile_avx2(int metric, int d, const double *queries, long ldq, int nq,
                           const double *candidates_t, long ldc, int nc, double *out, long ldo);
void ck_distance_tile_avx512(int metric, int d, const double *queries, long ldq, int nq,
                             const double *candidates_t, long ldc, int nc, double *out, long ldo);
#endif
