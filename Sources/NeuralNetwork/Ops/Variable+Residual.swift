import Tensor

extension Variable {
  /// Global average pooling: `[N, C, H, W]` → `[N, C]`, the mean over each channel's H·W values (ResNet's head).
  package func globalAveragePooled() -> Variable {
    precondition(rank == 4 && shape[2] * shape[3] >= 1, "globalAveragePooled needs [N, C, H, W], got \(shape)")
    let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
    let scale = 1 / Float(plane)
    let y = value.scalars.withUnsafeBufferPointer { xb in
      uninitializedFloats(n * c) { y in
        for p in 0..<(n * c) {
          var total: Float = 0
          for j in 0..<plane { total += xb[p &* plane &+ j] }
          y[p] = total * scale
        }
      }
    }
    let inputShape = shape
    return Tape.record(Tensor(shape: [n, c], scalars: y), inputs: [self]) { dy in
      let dx = dy.scalars.withUnsafeBufferPointer { gb in
        uninitializedFloats(n * c * plane) { dx in
          for p in 0..<(n * c) {
            let g = gb[p] * scale
            for j in 0..<plane { dx[p &* plane &+ j] = g }
          }
        }
      }
      return [Tensor(shape: inputShape, scalars: dx)]
    }
  }

  /// The parameter-free shortcut of a ResNet stage entry ("option A" of He et al. 2016): every `stride`-th row and
  /// column (starting at 0) of `[N, C, H, W]`, with zero channels appended up to `channels`:
  /// `[N, channels, ⌈H/stride⌉, ⌈W/stride⌉]`.
  package func subsampledZeroPadded(channels: Int, stride: Int = 2) -> Variable {
    precondition(
      rank == 4 && channels >= shape[1] && stride >= 1, "subsampledZeroPadded needs [N, C, H, W] and channels ≥ C")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let (ho, wo) = ((h + stride - 1) / stride, (w + stride - 1) / stride)
    let y = value.scalars.withUnsafeBufferPointer { xb in
      zeroedFloats(n * channels * ho * wo) { y in
        for i in 0..<n {
          for ch in 0..<c {
            let src = (i * c + ch) * h * w
            let dst = (i * channels + ch) * ho * wo
            for r in 0..<ho { for col in 0..<wo { y[dst + r * wo + col] = xb[src + stride * (r * w + col)] } }
          }
        }
      }
    }
    let inputShape = shape
    return Tape.record(Tensor(shape: [n, channels, ho, wo], scalars: y), inputs: [self]) { dy in
      let dx = dy.scalars.withUnsafeBufferPointer { gb in
        zeroedFloats(n * c * h * w) { dx in
          for i in 0..<n {
            for ch in 0..<c {
              let dst = (i * c + ch) * h * w
              let src = (i * channels + ch) * ho * wo
              for r in 0..<ho { for col in 0..<wo { dx[dst + stride * (r * w + col)] = gb[src + r * wo + col] } }
            }
          }
        }
      }
      return [Tensor(shape: inputShape, scalars: dx)]
    }
  }
}
