import Tensor

extension Variable {
  /// Rows of two feature matrices side by side, one output row per pair: row p is `[a[i_p], b[j_p]]` for
  /// `pairs[p] = (i_p, j_p)`. `a` is `[Na, Da]`, `b` is `[Nb, Db]`; the result is `[pairs.count, Da + Db]`.
  ///
  /// This is how a separable critic scores (x, y) pairs: each side's features are computed once per sample and the
  /// joint pairs (i, i) and the marginal pairs (i, j ≠ i) only re-pair them. The gradient of a row that appears in
  /// several pairs is the sum over those pairs.
  package static func pairedRows(_ a: Variable, _ b: Variable, pairs: [(Int, Int)]) -> Variable {
    precondition(a.rank == 2 && b.rank == 2, "pairedRows needs [N, D] inputs, got \(a.shape) and \(b.shape)")
    let (na, da, nb, db) = (a.shape[0], a.shape[1], b.shape[0], b.shape[1])
    precondition(
      pairs.allSatisfy { $0.0 >= 0 && $0.0 < na && $0.1 >= 0 && $0.1 < nb },
      "pairedRows: a pair indexes past \(na) rows of a or \(nb) rows of b")
    let width = da + db
    let y = a.value.scalars.withUnsafeBufferPointer { ab in
      b.value.scalars.withUnsafeBufferPointer { bb in
        uninitializedFloats(pairs.count * width) { y in
          for (p, (i, j)) in pairs.enumerated() {
            let row = y + p * width
            for c in 0..<da { row[c] = ab[i * da + c] }
            for c in 0..<db { row[da + c] = bb[j * db + c] }
          }
        }
      }
    }
    let (needsA, needsB) = (a.requiresGradient, b.requiresGradient)
    return Tape.record(Tensor(shape: [pairs.count, width], scalars: y), inputs: [a, b]) { dy in
      dy.scalars.withUnsafeBufferPointer { gb in
        let ga: Tensor? =
          needsA
          ? Tensor(
            shape: [na, da],
            scalars: zeroedFloats(na * da) { ga in
              for (p, (i, _)) in pairs.enumerated() {
                for c in 0..<da { ga[i * da + c] += gb[p * width + c] }
              }
            }) : nil
        let gbOut: Tensor? =
          needsB
          ? Tensor(
            shape: [nb, db],
            scalars: zeroedFloats(nb * db) { gbOut in
              for (p, (_, j)) in pairs.enumerated() {
                for c in 0..<db { gbOut[j * db + c] += gb[p * width + da + c] }
              }
            }) : nil
        return [ga, gbOut]
      }
    }
  }
}
