@_spi(Kernels) import Tensor

extension Variable {
  /// Max pooling of `[N, C, H, W]` over `size×size` windows with `stride`; returns `[N, C, Ho, Wo]` with
  /// `Ho = (H − size) / stride + 1` (floor, as PyTorch). The gradient goes to the first maximum of each window.
  package func maxPool2d(size: Int, stride: Int) -> Variable {
    precondition(rank == 4 && size >= 1 && stride >= 1, "maxPool2d needs [N, C, H, W], got \(shape)")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let (ho, wo) = ((h - size) / stride + 1, (w - size) / stride + 1)
    precondition(h >= size && w >= size, "maxPool2d window \(size) larger than the input \(shape)")
    let planes = n * c
    let (inPlane, outPlane) = (h * w, ho * wo)
    // Index of the winning input element inside its plane, one per output element.
    // Every entry is written below (no zero-fill: Int32 needs no initialisation).
    var argmax = [Int32](unsafeUninitializedCapacity: planes * outPlane) { _, initialized in
      initialized = planes * outPlane
    }
    let y = value.scalars.withUnsafeBufferPointer { xb in
      argmax.withUnsafeMutableBufferPointer { ab in
        uninitializedFloats(planes * outPlane) { y in
          guard let xBase = xb.baseAddress, let aBase = ab.baseAddress else { return }
          let (xp, yp, ap) = (SendablePointer(xBase), SendablePointer(y), SendablePointer(aBase))
          parallelFor(planes, minimumChunk: max(1, elementwiseChunk / max(1, inPlane))) { range in
            for plane in range {
              let src = UnsafePointer(xp.base) + plane &* inPlane
              let dst = yp.base + plane &* outPlane
              let arg = ap.base + plane &* outPlane
              if size == 2 && stride == 2 {
                // The common 2×2 window: four loads, first maximum wins (row-major order, as the general path).
                // Selects, not branches: which of the four wins is a coin toss the branch predictor loses.
                for oh in 0..<ho {
                  let top = 2 &* oh &* w
                  for ow in 0..<wo {
                    let i0 = top &+ 2 &* ow
                    let (a, b, c, d) = (src[i0], src[i0 &+ 1], src[i0 &+ w], src[i0 &+ w &+ 1])
                    let (i, j) = (Int32(truncatingIfNeeded: i0), Int32(truncatingIfNeeded: i0 &+ w))
                    let right = b > a
                    let (upper, upperIndex) = (right ? b : a, right ? i &+ 1 : i)
                    let lowerRight = d > c
                    let (lower, lowerIndex) = (lowerRight ? d : c, lowerRight ? j &+ 1 : j)
                    let down = lower > upper
                    dst[oh &* wo &+ ow] = down ? lower : upper
                    arg[oh &* wo &+ ow] = down ? lowerIndex : upperIndex
                  }
                }
                continue
              }
              for oh in 0..<ho {
                for ow in 0..<wo {
                  var bestIndex = oh &* stride &* w &+ ow &* stride
                  var best = src[bestIndex]
                  for di in 0..<size {
                    let rowBase = (oh &* stride &+ di) &* w &+ ow &* stride
                    for dj in 0..<size where src[rowBase &+ dj] > best {
                      best = src[rowBase &+ dj]
                      bestIndex = rowBase &+ dj
                    }
                  }
                  dst[oh &* wo &+ ow] = best
                  arg[oh &* wo &+ ow] = Int32(truncatingIfNeeded: bestIndex)
                }
              }
            }
          }
        }
      }
    }
    let inputShape = shape
    return Tape.record(Tensor(shape: [n, c, ho, wo], scalars: y), inputs: [self]) { dy in
      [maxPoolGradient(dy, argmax: argmax, inputShape: inputShape)]
    }
  }

  /// Nearest-neighbour upsampling of `[N, C, H, W]` by an integer `factor`: `[N, C, H·factor, W·factor]`.
  package func upsampledNearest(factor: Int) -> Variable {
    precondition(rank == 4 && factor >= 1, "upsampledNearest needs [N, C, H, W] and factor ≥ 1, got \(shape)")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let (ho, wo) = (h * factor, w * factor)
    let planes = n * c
    let y = value.scalars.withUnsafeBufferPointer { xb in
      uninitializedFloats(planes * ho * wo) { y in
        guard let xBase = xb.baseAddress else { return }
        let (xp, yp) = (SendablePointer(xBase), SendablePointer(y))
        parallelFor(planes, minimumChunk: max(1, elementwiseChunk / max(1, ho * wo))) { range in
          for plane in range {
            let src = xp.base + plane &* h &* w
            let dst = yp.base + plane &* ho &* wo
            for oh in 0..<ho {
              let srcRow = src + (oh / factor) &* w
              let dstRow = dst + oh &* wo
              if factor == 2 {  // the decoders' case, without a division per element
                for j in 0..<w {
                  dstRow[2 &* j] = srcRow[j]
                  dstRow[2 &* j &+ 1] = srcRow[j]
                }
              } else {
                for ow in 0..<wo { dstRow[ow] = srcRow[ow / factor] }
              }
            }
          }
        }
      }
    }
    let inputShape = shape
    return Tape.record(Tensor(shape: [n, c, ho, wo], scalars: y), inputs: [self]) { dy in
      let dx = dy.scalars.withUnsafeBufferPointer { gb in
        uninitializedFloats(planes * h * w) { dx in
          guard let gBase = gb.baseAddress else { return }
          let (gp, dxp) = (SendablePointer(gBase), SendablePointer(dx))
          parallelFor(planes, minimumChunk: max(1, elementwiseChunk / max(1, ho * wo))) { range in
            for plane in range {
              let src = gp.base + plane &* ho &* wo
              let dst = dxp.base + plane &* h &* w
              dst.initialize(repeating: 0, count: h &* w)
              for oh in 0..<ho {
                let dstRow = dst + (oh / factor) &* w
                let srcRow = src + oh &* wo
                if factor == 2 {
                  for j in 0..<w { dstRow[j] += srcRow[2 &* j] + srcRow[2 &* j &+ 1] }
                } else {
                  for ow in 0..<wo { dstRow[ow / factor] += srcRow[ow] }
                }
              }
            }
          }
        }
      }
      return [Tensor(shape: inputShape, scalars: dx)]
    }
  }

  /// Reflection padding of `[N, C, H, W]` by `top`, `left`, `bottom`, `right` (PyTorch `padding_mode='reflect'`:
  /// the edge row is not repeated, so each pad must be < the extent it mirrors).
  package func reflectionPadded(top: Int, left: Int, bottom: Int, right: Int) -> Variable {
    precondition(rank == 4, "reflectionPadded needs [N, C, H, W], got \(shape)")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    precondition(
      top < h && bottom < h && left < w && right < w && min(top, left, bottom, right) >= 0,
      "reflection padding (\(top), \(left), \(bottom), \(right)) needs pads smaller than the input \(shape)")
    let (ho, wo) = (h + top + bottom, w + left + right)
    // Source index of each padded row and column.
    let rows = (0..<ho).map { i -> Int in
      let r = i - top
      return r < 0 ? -r : (r >= h ? 2 * (h - 1) - r : r)
    }
    let columns = (0..<wo).map { j -> Int in
      let q = j - left
      return q < 0 ? -q : (q >= w ? 2 * (w - 1) - q : q)
    }
    let planes = n * c
    let y = value.scalars.withUnsafeBufferPointer { xb in
      uninitializedFloats(planes * ho * wo) { y in
        guard let xBase = xb.baseAddress else { return }
        for plane in 0..<planes {
          let src = xBase + plane &* h &* w
          let dst = y + plane &* ho &* wo
          for i in 0..<ho {
            let srcRow = src + rows[i] &* w
            for j in 0..<wo { dst[i &* wo &+ j] = srcRow[columns[j]] }
          }
        }
      }
    }
    let inputShape = shape
    return Tape.record(Tensor(shape: [n, c, ho, wo], scalars: y), inputs: [self]) { dy in
      let dx = dy.scalars.withUnsafeBufferPointer { gb in
        zeroedFloats(planes * h * w) { dx in
          guard let gBase = gb.baseAddress else { return }
          for plane in 0..<planes {
            let src = gBase + plane &* ho &* wo
            let dst = dx + plane &* h &* w
            for i in 0..<ho {
              let dstRow = dst + rows[i] &* w
              for j in 0..<wo { dstRow[columns[j]] += src[i &* wo &+ j] }
            }
          }
        }
      }
      return [Tensor(shape: inputShape, scalars: dx)]
    }
  }
}

/// The gradient of max pooling: `dy` `[N, C, Ho, Wo]` routed to the maxima, `argmax` holding each pooled element's
/// index inside its `H × W` input plane; zeros elsewhere. Returns `[N, C, H, W]` (`inputShape`).
func maxPoolGradient(_ dy: Tensor, argmax: [Int32], inputShape: [Int]) -> Tensor {
  let planes = inputShape[0] * inputShape[1]
  let inPlane = inputShape[2] * inputShape[3]
  let outPlane = dy.count / max(1, planes)
  let dx = dy.scalars.withUnsafeBufferPointer { gb in
    argmax.withUnsafeBufferPointer { ab in
      uninitializedFloats(planes * inPlane) { dx in
        guard let gBase = gb.baseAddress, let aBase = ab.baseAddress else { return }
        let (gp, ap, dxp) = (SendablePointer(gBase), SendablePointer(aBase), SendablePointer(dx))
        parallelFor(planes, minimumChunk: max(1, elementwiseChunk / max(1, inPlane))) { range in
          for plane in range {
            let (src, arg, dst) = (
              gp.base + plane &* outPlane, ap.base + plane &* outPlane, dxp.base + plane &* inPlane
            )
            dst.initialize(repeating: 0, count: inPlane)  // zeroed here, in parallel, not before the loop
            for j in 0..<outPlane { dst[Int(arg[j])] += src[j] }
          }
        }
      }
    }
  }
  return Tensor(shape: inputShape, scalars: dx)
}
