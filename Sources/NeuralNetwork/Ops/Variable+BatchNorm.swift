import Tensor

extension Variable {
  /// Batch normalisation over axis 1 of `[N, C]` or `[N, C, H, W]` with batch statistics (training mode):
  /// y = γ·(x − μ_c)/√(σ²_c + ε) + β, μ and σ² (biased) over every axis but 1.
  /// - Returns: The output and, per channel, the batch mean and the unbiased batch variance (for running stats).
  package static func batchNorm(
    _ x: Variable, gamma: Variable, beta: Variable, epsilon: Float
  ) -> (output: Variable, mean: [Float], unbiasedVariance: [Float]) {
    let (n, c, spatial) = batchNormExtents(x.shape)
    precondition(gamma.shape == [c] && beta.shape == [c], "batchNorm needs γ, β of shape [\(c)]")
    let m = n * spatial
    var mean = [Float](repeating: 0, count: c)
    var invStd = [Float](repeating: 0, count: c)
    var unbiased = [Float](repeating: 0, count: c)
    let xv = x.value
    xv.scalars.withUnsafeBufferPointer { xb in
      for ch in 0..<c {
        var s = 0.0
        for i in 0..<n {
          let row = ch &* spatial &+ i &* c &* spatial
          for j in 0..<spatial { s += Double(xb[row &+ j]) }
        }
        let mu = s / Double(max(1, m))
        var ss = 0.0
        for i in 0..<n {
          let row = ch &* spatial &+ i &* c &* spatial
          for j in 0..<spatial {
            let d = Double(xb[row &+ j]) - mu
            ss += d * d
          }
        }
        mean[ch] = Float(mu)
        invStd[ch] = Float(1 / (ss / Double(max(1, m)) + Double(epsilon)).squareRoot())
        unbiased[ch] = Float(m > 1 ? ss / Double(m - 1) : 0)
      }
    }
    let xhat = normalize(xv, channels: c, spatial: spatial, shift: mean, scale: invStd)
    let y = affine(xhat, channels: c, spatial: spatial, gamma: gamma.value.scalars, beta: beta.value.scalars)
    let gammaValues = gamma.value.scalars
    let output = Tape.record(y, inputs: [x, gamma, beta]) { dy in
      let (dGamma, dBeta) = affineGradients(dy, xhat, channels: c, spatial: spatial)
      // dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), per channel.
      var dx = [Float](repeating: 0, count: xv.count)
      dy.scalars.withUnsafeBufferPointer { g in
        xhat.scalars.withUnsafeBufferPointer { h in
          dx.withUnsafeMutableBufferPointer { o in
            for i in 0..<n {
              for ch in 0..<c {
                let k = gammaValues[ch] * invStd[ch] / Float(m)
                let (sb, sg) = (dBeta.scalars[ch], dGamma.scalars[ch])
                let row = (i &* c &+ ch) &* spatial
                for j in 0..<spatial {
                  o[row &+ j] = k * (Float(m) * g[row &+ j] - sb - h[row &+ j] * sg)
                }
              }
            }
          }
        }
      }
      return [Tensor(shape: xv.shape, scalars: dx), dGamma, dBeta]
    }
    return (output, mean, unbiased)
  }

  /// Batch normalisation with fixed statistics (evaluation mode): y = γ·(x − mean)/√(variance + ε) + β.
  package static func batchNorm(
    _ x: Variable, gamma: Variable, beta: Variable, mean: [Float], variance: [Float], epsilon: Float
  ) -> Variable {
    let (_, c, spatial) = batchNormExtents(x.shape)
    precondition(
      gamma.shape == [c] && beta.shape == [c] && mean.count == c && variance.count == c,
      "batchNorm needs γ, β, mean and variance of length \(c)")
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let xhat = normalize(x.value, channels: c, spatial: spatial, shift: mean, scale: invStd)
    let y = affine(xhat, channels: c, spatial: spatial, gamma: gamma.value.scalars, beta: beta.value.scalars)
    let scale = zip(gamma.value.scalars, invStd).map { $0 * $1 }
    return Tape.record(y, inputs: [x, gamma, beta]) { dy in
      let (dGamma, dBeta) = affineGradients(dy, xhat, channels: c, spatial: spatial)
      let dx = affine(dy, channels: c, spatial: spatial, gamma: scale, beta: [Float](repeating: 0, count: c))
      return [dx, dGamma, dBeta]
    }
  }
}

/// (N, C, spatial) of a `[N, C]` or `[N, C, H, W]` shape.
func batchNormExtents(_ shape: [Int]) -> (Int, Int, Int) {
  precondition(shape.count == 2 || shape.count == 4, "batchNorm needs [N, C] or [N, C, H, W], got \(shape)")
  return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
}

/// (x − shift_c)·scale_c per channel of axis 1.
private func normalize(_ x: Tensor, channels c: Int, spatial: Int, shift: [Float], scale: [Float]) -> Tensor {
  let n = x.count / max(1, c * spatial)
  let out = x.scalars.withUnsafeBufferPointer { xb in
    uninitializedFloats(x.count) { y in
      for i in 0..<n {
        for ch in 0..<c {
          let row = (i &* c &+ ch) &* spatial
          let (m, s) = (shift[ch], scale[ch])
          for j in 0..<spatial { y[row &+ j] = (xb[row &+ j] - m) * s }
        }
      }
    }
  }
  return Tensor(shape: x.shape, scalars: out)
}

/// gamma_c·x + beta_c per channel of axis 1.
private func affine(_ x: Tensor, channels c: Int, spatial: Int, gamma: [Float], beta: [Float]) -> Tensor {
  let n = x.count / max(1, c * spatial)
  let out = x.scalars.withUnsafeBufferPointer { xb in
    uninitializedFloats(x.count) { y in
      for i in 0..<n {
        for ch in 0..<c {
          let row = (i &* c &+ ch) &* spatial
          let (a, b) = (gamma[ch], beta[ch])
          for j in 0..<spatial { y[row &+ j] = xb[row &+ j] * a + b }
        }
      }
    }
  }
  return Tensor(shape: x.shape, scalars: out)
}

/// (Σ dy·x̂, Σ dy) per channel of axis 1.
private func affineGradients(_ dy: Tensor, _ xhat: Tensor, channels c: Int, spatial: Int) -> (Tensor, Tensor) {
  let n = dy.count / max(1, c * spatial)
  var dGamma = [Double](repeating: 0, count: c)
  var dBeta = [Double](repeating: 0, count: c)
  dy.scalars.withUnsafeBufferPointer { g in
    xhat.scalars.withUnsafeBufferPointer { h in
      for i in 0..<n {
        for ch in 0..<c {
          let row = (i &* c &+ ch) &* spatial
          var sg: Float = 0
          var sb: Float = 0
          for j in 0..<spatial {
            sg += g[row &+ j] * h[row &+ j]
            sb += g[row &+ j]
          }
          dGamma[ch] += Double(sg)
          dBeta[ch] += Double(sb)
        }
      }
    }
  }
  return (Tensor(shape: [c], scalars: dGamma.map(Float.init)), Tensor(shape: [c], scalars: dBeta.map(Float.init)))
}
