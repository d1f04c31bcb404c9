import Tensor

extension Variable {
  /// Mean negative log-likelihood of `labels` under row-wise log-probabilities `[N, D]`: −(1/N)·Σᵢ xᵢ,labelᵢ.
  /// Labels must lie in `0..<D` (validated by callers that take user data; see `DataLoader`).
  package func nllLoss(labels: [Int32]) -> Variable {
    precondition(
      rank == 2 && shape[0] == labels.count, "nllLoss needs [N, D] and N labels, got \(shape), \(labels.count)")
    let (n, d) = (shape[0], shape[1])
    precondition(labels.allSatisfy { $0 >= 0 && Int($0) < d }, "nllLoss labels must lie in 0..<\(d)")
    var total = 0.0
    value.scalars.withUnsafeBufferPointer { x in
      for i in 0..<n { total -= Double(x[i &* d &+ Int(labels[i])]) }
    }
    let loss = Float(total / Double(max(1, n)))
    return Tape.record(Tensor(shape: [], scalars: [loss]), inputs: [self]) { dy in
      let scale = -dy.scalars[0] / Float(max(1, n))
      let dx = zeroedFloats(n * d) { o in
        for i in 0..<n { o[i &* d &+ Int(labels[i])] = scale }
      }
      return [Tensor(shape: [n, d], scalars: dx)]
    }
  }

  /// Cross-entropy of `labels` under logits `[N, D]`: `logSoftmax()` then `nllLoss`.
  package func crossEntropy(labels: [Int32]) -> Variable {
    logSoftmax().nllLoss(labels: labels)
  }

  /// Mean squared error against a constant `target` of the same shape: mean((x − t)²).
  package func mseLoss(target: Tensor) -> Variable {
    let difference = self - Variable(target)
    return (difference * difference).mean()
  }

  /// Mean absolute error against a constant `target` of the same shape: mean|x − t|.
  package func l1Loss(target: Tensor) -> Variable {
    (self - Variable(target)).abs().mean()
  }
}
