@_spi(Kernels) import Tensor

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
    // Channels in parallel; each channel's sums run in the same order on any thread count (deterministic).
    xv.scalars.withUnsafeBufferPointer { xb in
      mean.withUnsafeMutableBufferPointer { meanBuffer in
        invStd.withUnsafeMutableBufferPointer { invStdBuffer in
          unbiased.withUnsafeMutableBufferPointer { unbiasedBuffer in
            let (xp, mp) = (
              SendablePointer(UnsafeMutablePointer(mutating: xb.baseAddress!)), SendablePointer(meanBuffer.baseAddress!)
            )
            let (ip, up) = (SendablePointer(invStdBuffer.baseAddress!), SendablePointer(unbiasedBuffer.baseAddress!))
            parallelFor(c) { channels in
              for ch in channels {
                var s = 0.0
                for i in 0..<n {
                  let row = xp.base + (ch &* spatial &+ i &* c &* spatial)
                  var partial: Float = 0
                  for j in 0..<spatial { partial += row[j] }
                  s += Double(partial)
                }
                let mu = s / Double(max(1, m))
                var ss = 0.0
                for i in 0..<n {
                  let row = xp.base + (ch &* spatial &+ i &* c &* spatial)
                  let muf = Float(mu)
                  var partial: Float = 0
                  for j in 0..<spatial {
                    let d = row[j] - muf
                    partial += d * d
                  }
                  ss += Double(partial)
                }
                mp.base[ch] = Float(mu)
                ip.base[ch] = Float(1 / (ss / Double(max(1, m)) + Double(epsilon)).squareRoot())
                up.base[ch] = Float(m > 1 ? ss / Double(m - 1) : 0)
              }
            }
          }
        }
      }
    }
    let xhat = normalize(xv, channels: c, spatial: spatial, shift: mean, scale: invStd)
    let y = affine(xhat, channels: c, spatial: spatial, gamma: gamma.value.scalars, beta: beta.value.scalars)
    let gammaValues = gamma.value.scalars
    let invStdValues = invStd
    let output = Tape.record(y, inputs: [x, gamma, beta]) { dy in
      let (dGamma, dBeta) = affineGradients(dy, xhat, channels: c, spatial: spatial)
      // dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), per channel.
      let (sumsB, sumsG) = (dBeta.scalars, dGamma.scalars)
      let dx = dy.scalars.withUnsafeBufferPointer { g in
        xhat.scalars.withUnsafeBufferPointer { h in
          uninitializedFloats(xv.count) { o in
            let (gp, hp, op) = (
              SendablePointer(UnsafeMutablePointer(mutating: g.baseAddress!)),
              SendablePointer(UnsafeMutablePointer(mutating: h.baseAddress!)), SendablePointer(o)
            )
            parallelFor(n &* c, minimumChunk: max(1, elementwiseChunk / max(1, spatial))) { rows in
              for r in rows {
                let ch = r % c
                let k = gammaValues[ch] * invStdValues[ch] / Float(m)
                let (sb, sg) = (sumsB[ch], sumsG[ch])
                let row = r &* spatial
                for j in 0..<spatial {
                  op.base[row &+ j] = k * (Float(m) * gp.base[row &+ j] - sb - hp.base[row &+ j] * sg)
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
      let (xp, yp) = (SendablePointer(UnsafeMutablePointer(mutating: xb.baseAddress!)), SendablePointer(y))
      parallelFor(n &* c, minimumChunk: max(1, elementwiseChunk / max(1, spatial))) { rows in
        for r in rows {
          let ch = r % c
          let row = r &* spatial
          let (m, s) = (shift[ch], scale[ch])
          for j in 0..<spatial { yp.base[row &+ j] = (xp.base[row &+ j] - m) * s }
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
      let (xp, yp) = (SendablePointer(UnsafeMutablePointer(mutating: xb.baseAddress!)), SendablePointer(y))
      parallelFor(n &* c, minimumChunk: max(1, elementwiseChunk / max(1, spatial))) { rows in
        for r in rows {
          let ch = r % c
          let row = r &* spatial
          let (a, b) = (gamma[ch], beta[ch])
          for j in 0..<spatial { yp.base[row &+ j] = xp.base[row &+ j] * a + b }
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
      dGamma.withUnsafeMutableBufferPointer { dg in
        dBeta.withUnsafeMutableBufferPointer { dbeta in
          let (gp, hp) = (
            SendablePointer(UnsafeMutablePointer(mutating: g.baseAddress!)),
            SendablePointer(UnsafeMutablePointer(mutating: h.baseAddress!))
          )
          let (dgp, dbp) = (SendablePointer(dg.baseAddress!), SendablePointer(dbeta.baseAddress!))
          parallelFor(c) { channels in
            for ch in channels {
              for i in 0..<n {
                let row = (i &* c &+ ch) &* spatial
                var sg: Float = 0
                var sb: Float = 0
                for j in 0..<spatial {
                  sg += gp.base[row &+ j] * hp.base[row &+ j]
                  sb += gp.base[row &+ j]
                }
                dgp.base[ch] += Double(sg)
                dbp.base[ch] += Double(sb)
              }
            }
          }
        }
      }
    }
  }
  return (Tensor(shape: [c], scalars: dGamma.map(Float.init)), Tensor(shape: [c], scalars: dBeta.map(Float.init)))
}
