// Blocked distance kernels for exact k-NN (the brute-force path of Sources/Estimators/KNN).
#ifndef CK_DISTANCE_H
#define CK_DISTANCE_H

/// Metric codes of `ck_distance_tile`.
enum { CK_METRIC_SQUARED_EUCLIDEAN = 0, CK_METRIC_MAX_NORM = 1 };

/// Distances from `nq` query points to `nc` candidate points in `d` dimensions, as an nq×nc tile.
///
/// - `queries`: row-major, query q's coordinate j at `queries[q * ldq + j]`.
/// - `candidates_t`: transposed (one row per dimension), candidate c's coordinate j at `candidates_t[j * ldc + c]`.
/// - `out`: distance of query q to candidate c at `out[q * ldo + c]`.
/// - `metric`: `CK_METRIC_SQUARED_EUCLIDEAN` gives Σ_j (q_j − c_j)² (squared, no square root);
///   `CK_METRIC_MAX_NORM` gives max_j |q_j − c_j|.
///
/// Every path (AVX-512, AVX2, portable) accumulates over j = 0..d−1 in order with separate multiply and add (no
/// fused multiply-add), so the results are bit-identical to the scalar loop `acc = acc + diff * diff` on every
/// CPU: the KD-tree and the brute-force path of the k-NN index agree exactly.
void ck_distance_tile(int metric, int d, const double *queries, long ldq, int nq, const double *candidates_t,
                      long ldc, int nc, double *out, long ldo);

/// The portable implementation of `ck_distance_tile` (exposed for tests that compare the dispatch paths).
void ck_distance_tile_portable(int metric, int d, const double *queries, long ldq, int nq,
                               const double *candidates_t, long ldc, int nc, double *out, long ldo);

#endif
