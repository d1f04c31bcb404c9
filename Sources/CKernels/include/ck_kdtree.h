// Searches of an exact KD-tree built in Swift (Sources/Estimators/KNN/KDTree.swift): the k nearest neighbours and
// strict radius counts of the tree's own points, with the leaves scanned several points per vector instruction.
// The threading is Swift's: callers split the tree positions into ranges.
#ifndef CK_KDTREE_H
#define CK_KDTREE_H

#include <stdint.h>

/// A KD-tree's arrays, all in tree order (position p is the p-th point of the tree; a node covers the positions
/// lower[node] ..< upper[node]; node 0 is the root).
///
/// - `coordinates`: dimension-major, point p's coordinate j at `coordinates[j * stride + p]`; `stride` ≥ n + 8 for n
///   points and the padding past n readable (its values are never counted).
/// - `boxes`: per node 2·d values, the minima of its points per dimension, then the maxima.
/// - `left`, `right`: children, −1 for a leaf; `split_dimension`, `split_value`: the split of an inner node (left
///   holds coordinates ≤ value, right ≥ value).
/// - `original`: the caller's row of tree position p.
/// - `metric`: `CK_METRIC_SQUARED_EUCLIDEAN` (raw distances Σ_j (a_j − b_j)², accumulated over j in order with
///   separate multiply and add) or `CK_METRIC_MAX_NORM` (max_j |a_j − b_j|), as `ck_distance_tile`, so the tree and
///   the brute-force path agree bit for bit.
typedef struct {
  int32_t d;
  int32_t metric;
  const double *coordinates;
  int64_t stride;
  const double *boxes;
  const int32_t *lower, *upper, *left, *right, *split_dimension;
  const double *split_value;
  const int64_t *original;
} ck_kdtree;

/// For tree positions p0 ..< p1: the k nearest other points of point p, nearest first, equal raw distances ordered
/// by the smaller original row. Writes raw distances (squared for Euclidean) and original rows to
/// `distances[original[p] * k + j]` and `indices[original[p] * k + j]`, j < k. Needs k < n.
typedef void (*ck_kdtree_knn_fn)(const ck_kdtree *tree, int64_t p0, int64_t p1, int32_t k, double *distances,
                                 int64_t *indices);

/// For tree positions p0 ..< p1: the number of other points at raw distance < `thresholds[original[p]]` from point p
/// (strict), written to `counts[original[p]]`.
typedef void (*ck_kdtree_count_fn)(const ck_kdtree *tree, int64_t p0, int64_t p1, const double *thresholds,
                                   int64_t *counts);

/// The searches for one instruction-set level.
typedef struct {
  int isa;  ///< the instruction set they need (as `ck_isa_level`)
  ck_kdtree_knn_fn knn;
  ck_kdtree_count_fn count;
} ck_kdtree_kernels;

/// The searches for an instruction-set level (as `ck_isa_level`; pass it once and keep the result).
ck_kdtree_kernels ck_kdtree_select(int isa);

#endif
