@_spi(Benchmarks) import Tensor

extension Variable {
  /// Affine map `y = x·Wᵀ + b` for `x` `[N, In]`, `weight` `[Out, In]`, `bias` `[Out]`; returns `[N, Out]`.
  /// - Complexity: O(N·In·Out), three GEMMs per training step.
  package static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
    precondition(
      x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
      "linear needs x [N, In] and W [Out, In], got \(x.shape) and \(weight.shape)")
    let (n, inputs, outputs) = (x.shape[0], x.shape[1], weight.shape[0])
    if let bias { precondition(bias.shape == [outputs], "linear bias must be [\(outputs)], got \(bias.shape)") }
    let (xv, wv) = (x.value, weight.value)
    var y = [Float](repeating: 0, count: n * outputs)
    xv.scalars.withUnsafeBufferPointer { xb in
      wv.scalars.withUnsafeBufferPointer { wb in
        y.withUnsafeMutableBufferPointer { yb in
          guard let xp = xb.baseAddress, let wp = wb.baseAddress, let yp = yb.baseAddress else { return }
          if let b = bias?.value.scalars {
            for r in 0..<n { (yp + r &* outputs).update(from: b, count: outputs) }
          }
          sgemm(
            .none, .transposed, m: n, n: outputs, k: inputs, alpha: 1, a: xp, lda: inputs, b: wp, ldb: inputs,
            beta: bias == nil ? 0 : 1, c: yp, ldc: outputs)
        }
      }
    }
    let needsX = x.requiresGradient
    let needsW = weight.requiresGradient
    let needsB = bias?.requiresGradient ?? false
    let inputsList = bias.map { [x, weight, $0] } ?? [x, weight]
    let hasBias = bias != nil  // the pullback must not capture a Variable: it would keep the tape alive (a cycle)
    return Tape.record(Tensor(shape: [n, outputs], scalars: y), inputs: inputsList) { dy in
      var dx: Tensor?
      var dw: Tensor?
      var db: Tensor?
      dy.scalars.withUnsafeBufferPointer { gb in
        guard let gp = gb.baseAddress else { return }
        if needsX {
          dx = Tensor(
            shape: [n, inputs],
            scalars: uninitializedFloats(n * inputs) { o in
              wv.scalars.withUnsafeBufferPointer { wb in
                sgemm(
                  .none, .none, m: n, n: inputs, k: outputs, alpha: 1, a: gp, lda: outputs, b: wb.baseAddress!,
                  ldb: inputs, beta: 0, c: o, ldc: inputs)
              }
            })
        }
        if needsW {
          dw = Tensor(
            shape: [outputs, inputs],
            scalars: uninitializedFloats(outputs * inputs) { o in
              xv.scalars.withUnsafeBufferPointer { xb in
                sgemm(
                  .transposed, .none, m: outputs, n: inputs, k: n, alpha: 1, a: gp, lda: outputs,
                  b: xb.baseAddress!, ldb: inputs, beta: 0, c: o, ldc: inputs)
              }
            })
        }
        if needsB {
          db = Tensor(
            shape: [outputs],
            scalars: zeroedFloats(outputs) { o in
              for r in 0..<n {
                let row = gp + r &* outputs
                for j in 0..<outputs { o[j] += row[j] }
              }
            })
        }
      }
      return hasBias ? [dx, dw, db] : [dx, dw]
    }
  }
}
