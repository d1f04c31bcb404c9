@_spi(Benchmarks) @_spi(Kernels) import Tensor

extension Variable {
  /// 2-D cross-correlation of `x` `[N, C, H, W]` with `weight` `[O, C, kh, kw]` plus `bias` `[O]`, zero padding as
  /// in `geometry`; returns `[N, O, Ho, Wo]`.
  ///
  /// Stride-1 convolutions run the direct kernels (`DirectConvolution`); the others im2col + GEMM, parallel over the
  /// batch: each thread unfolds a group of images into its own workspace and runs single-threaded GEMMs on it
  /// (several small images share one GEMM so its N dimension stays ≳ 512). `ConvolutionAlgorithm.current` overrides
  /// the choice.
  /// - Complexity: O(N·O·C·kh·kw·Ho·Wo).
  package static func conv2d(_ x: Variable, weight: Variable, bias: Variable?, geometry g: ConvolutionGeometry)
    -> Variable
  {
    let (n, outChannels) = checkedShapes(x, weight: weight, bias: bias, geometry: g)
    let direct = ConvolutionAlgorithm.current.directConvolution(geometry: g, outChannels: outChannels)
    let plan = direct == nil ? ConvPlan(geometry: g, batch: n, outChannels: outChannels) : nil
    let (xv, wv) = (x.value, weight.value)
    let y = direct?.forward(x: xv, weight: wv, bias: bias?.value) ?? plan!.forward(x: xv, weight: wv, bias: bias?.value)
    let needs = (x: x.requiresGradient, w: weight.requiresGradient, b: bias?.requiresGradient ?? false)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let hasBias = bias != nil  // the pullback must not capture a Variable: it would keep the tape alive (a cycle)
    return Tape.record(y, inputs: inputs) { dy in
      let needsWeight = needs.w || needs.b
      let (dx, dw, db) =
        direct?.backward(dy: dy, x: xv, weight: wv, needsInput: needs.x, needsWeight: needsWeight)
        ?? plan!.backward(dy: dy, x: xv, weight: wv, needsInput: needs.x, needsWeight: needsWeight)
      return convolutionGradients(dx, dw, db, needs: needs, hasBias: hasBias)
    }
  }

  /// Batch size and output channels of a convolution's operands; stops on shapes that do not match `g`.
  private static func checkedShapes(_ x: Variable, weight: Variable, bias: Variable?, geometry g: ConvolutionGeometry)
    -> (batch: Int, outChannels: Int)
  {
    let n = x.shape.first ?? 0
    precondition(x.shape == [n, g.channels, g.height, g.width], "conv2d input \(x.shape) does not match \(g)")
    let outChannels = weight.shape.first ?? 0
    precondition(
      weight.shape == [outChannels, g.channels, g.kernelHeight, g.kernelWidth],
      "conv2d weight \(weight.shape) does not match \(g)")
    if let bias { precondition(bias.shape == [outChannels], "conv2d bias must be [\(outChannels)], got \(bias.shape)") }
    return (n, outChannels)
  }

  /// A convolution pullback's result: one gradient per input (x, weight, and the bias when there is one), nil where
  /// no gradient flows.
  fileprivate static func convolutionGradients(
    _ dx: Tensor?, _ dw: Tensor, _ db: Tensor, needs: (x: Bool, w: Bool, b: Bool), hasBias: Bool
  ) -> [Tensor?] {
    let grads = [dx, needs.w ? dw : nil]
    return hasBias ? grads + [needs.b ? db : nil] : grads
  }
}

extension Variable {
  /// `conv2d` followed by 2×2 max pooling with stride 2, in one pass when the direct kernels run
  /// (`DirectConvolution.forwardMaxPooled`: the convolution's output is pooled while in cache, never written whole);
  /// otherwise the two operations one after the other. Same values and gradients either way.
  package static func conv2dMaxPooled(
    _ x: Variable, weight: Variable, bias: Variable?, geometry g: ConvolutionGeometry
  ) -> Variable {
    let outChannels = weight.shape.first ?? 0
    guard g.outputHeight >= 2, g.outputWidth >= 2,
      let direct = ConvolutionAlgorithm.current.directConvolution(geometry: g, outChannels: outChannels)
    else { return conv2d(x, weight: weight, bias: bias, geometry: g).maxPool2d(size: 2, stride: 2) }
    let (n, _) = checkedShapes(x, weight: weight, bias: bias, geometry: g)
    let (xv, wv) = (x.value, weight.value)
    let (pooled, argmax) = direct.forwardMaxPooled(x: xv, weight: wv, bias: bias?.value)
    let needs = (x: x.requiresGradient, w: weight.requiresGradient, b: bias?.requiresGradient ?? false)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let hasBias = bias != nil  // the pullback must not capture a Variable: it would keep the tape alive (a cycle)
    let convolutionShape = [n, outChannels, g.outputHeight, g.outputWidth]
    return Tape.record(pooled, inputs: inputs) { dy in
      let dConvolution = maxPoolGradient(dy, argmax: argmax, inputShape: convolutionShape)
      let (dx, dw, db) = direct.backward(
        dy: dConvolution, x: xv, weight: wv, needsInput: needs.x, needsWeight: needs.w || needs.b)
      return convolutionGradients(dx, dw, db, needs: needs, hasBias: hasBias)
    }
  }
}

/// How one conv2d call splits its batch over threads and groups images into GEMMs.
struct ConvPlan: Sendable {
  let g: ConvolutionGeometry
  let batch: Int
  let outChannels: Int
  /// Images per GEMM.
  let group: Int
  /// Parallel chunks of the batch (one per thread).
  let chunks: Int

  init(geometry: ConvolutionGeometry, batch: Int, outChannels: Int) {
    self.g = geometry
    self.batch = batch
    self.outChannels = outChannels
    let pixels = max(1, geometry.columnCount)
    chunks = max(1, min(Parallelism.maximumThreads, batch))
    group = max(1, min((512 + pixels - 1) / pixels, (batch + chunks - 1) / chunks))
  }

  var patch: Int { g.columnRows }
  var pixels: Int { g.columnCount }
  var inputSize: Int { g.imageCount }
  var outputSize: Int { outChannels * pixels }

  /// Images of chunk `c`.
  func images(ofChunk c: Int) -> Range<Int> { (batch * c / chunks)..<(batch * (c + 1) / chunks) }

  func forward(x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let (k, p, o, ld) = (patch, pixels, outChannels, group * pixels)
    let out = x.scalars.withUnsafeBufferPointer { xb in
      weight.scalars.withUnsafeBufferPointer { wb in
        uninitializedFloats(batch * outputSize) { y in
          guard let xBase = xb.baseAddress, let wBase = wb.baseAddress else { return }
          let (xp, wp, yp) = (SendablePointer(xBase), SendablePointer(wBase), SendablePointer(y))
          let biasValues = bias?.scalars ?? [Float](repeating: 0, count: o)
          parallelFor(chunks) { chunkRange in
            let cols = UnsafeMutablePointer<Float>.allocate(capacity: k * ld)
            let tmp = UnsafeMutablePointer<Float>.allocate(capacity: o * ld)
            defer {
              cols.deallocate()
              tmp.deallocate()
            }
            for c in chunkRange {
              let range = images(ofChunk: c)
              var start = range.lowerBound
              while start < range.upperBound {
                let count = min(group, range.upperBound - start)
                for i in 0..<count {
                  g.im2col(UnsafePointer(xp.base) + (start + i) &* inputSize, into: cols + i &* p, columnStride: ld)
                }
                if group == 1 {
                  // One image per GEMM: write straight into the output over its bias.
                  let dst = yp.base + start &* outputSize
                  for ch in 0..<o { (dst + ch &* p).initialize(repeating: biasValues[ch], count: p) }
                  sgemm(
                    .none, .none, m: o, n: p, k: k, alpha: 1, a: UnsafePointer(wp.base), lda: k,
                    b: cols, ldb: p, beta: 1, c: dst, ldc: p)
                  start += 1
                  continue
                }
                sgemm(
                  .none, .none, m: o, n: count * p, k: k, alpha: 1, a: UnsafePointer(wp.base), lda: k,
                  b: cols, ldb: ld, beta: 0, c: tmp, ldc: ld)
                for i in 0..<count {
                  let dst = yp.base + (start + i) &* outputSize
                  for ch in 0..<o {
                    let b = biasValues[ch]
                    let src = tmp + (ch &* ld &+ i &* p)
                    let row = dst + ch &* p
                    for j in 0..<p { row[j] = src[j] + b }
                  }
                }
                start += count
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [batch, outChannels, g.outputHeight, g.outputWidth], scalars: out)
  }

  /// Gradients with respect to the input (when `needsInput`), the weight and the bias (when `needsWeight`).
  func backward(dy: Tensor, x: Tensor, weight: Tensor, needsInput: Bool, needsWeight: Bool) -> (Tensor?, Tensor, Tensor)
  {
    let (k, p, o, ld) = (patch, pixels, outChannels, group * pixels)
    let weightCount = o * k
    // Per-chunk partial sums of dW and db, reduced after the parallel loop (deterministic order).
    var partialW = [Float](repeating: 0, count: chunks * weightCount)
    var partialB = [Float](repeating: 0, count: chunks * o)
    var dx: [Float] = needsInput ? [Float](repeating: 0, count: batch * inputSize) : []
    dy.scalars.withUnsafeBufferPointer { gb in
      x.scalars.withUnsafeBufferPointer { xb in
        weight.scalars.withUnsafeBufferPointer { wb in
          partialW.withUnsafeMutableBufferPointer { pwb in
            partialB.withUnsafeMutableBufferPointer { pbb in
              dx.withUnsafeMutableBufferPointer { dxb in
                guard let gBase = gb.baseAddress, let xBase = xb.baseAddress, let wBase = wb.baseAddress,
                  let pwBase = pwb.baseAddress, let pbBase = pbb.baseAddress
                else { return }
                let (gp, xp, wp) = (SendablePointer(gBase), SendablePointer(xBase), SendablePointer(wBase))
                let (pw, pb) = (SendablePointer(pwBase), SendablePointer(pbBase))
                let dxp = dxb.baseAddress.map { SendablePointer($0) }
                parallelFor(chunks) { chunkRange in
                  let cols = UnsafeMutablePointer<Float>.allocate(capacity: k * ld)
                  let dcols = UnsafeMutablePointer<Float>.allocate(capacity: needsInput ? k * ld : 1)
                  let dyg = UnsafeMutablePointer<Float>.allocate(capacity: o * ld)
                  defer {
                    cols.deallocate()
                    dcols.deallocate()
                    dyg.deallocate()
                  }
                  for c in chunkRange {
                    let dw = pw.base + c &* weightCount
                    let db = pb.base + c &* o
                    let range = images(ofChunk: c)
                    var start = range.lowerBound
                    while start < range.upperBound {
                      let count = min(group, range.upperBound - start)
                      // Gather dy of the group as [O, count·P] (one image: use it in place) and sum it into db.
                      let dyGroup = group == 1 ? UnsafePointer(gp.base) + start &* outputSize : UnsafePointer(dyg)
                      for i in 0..<count {
                        let src = UnsafePointer(gp.base) + (start + i) &* outputSize
                        for ch in 0..<o {
                          let row = src + ch &* p
                          if group > 1 { (dyg + (ch &* ld &+ i &* p)).update(from: row, count: p) }
                          var s: Float = 0
                          for j in 0..<p { s += row[j] }
                          db[ch] += s
                        }
                      }
                      if needsWeight {
                        for i in 0..<count {
                          g.im2col(
                            UnsafePointer(xp.base) + (start + i) &* inputSize, into: cols + i &* p, columnStride: ld)
                        }
                        sgemm(
                          .none, .transposed, m: o, n: k, k: count * p, alpha: 1, a: dyGroup, lda: ld, b: cols,
                          ldb: ld, beta: 1, c: dw, ldc: k)
                      }
                      if needsInput, let dxp {
                        sgemm(
                          .transposed, .none, m: k, n: count * p, k: o, alpha: 1, a: UnsafePointer(wp.base), lda: k,
                          b: dyGroup, ldb: ld, beta: 0, c: dcols, ldc: ld)
                        for i in 0..<count {
                          g.col2im(dcols + i &* p, columnStride: ld, addingInto: dxp.base + (start + i) &* inputSize)
                        }
                      }
                      start += count
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    var dw = [Float](repeating: 0, count: weightCount)
    var db = [Float](repeating: 0, count: o)
    for c in 0..<chunks {
      for i in 0..<weightCount { dw[i] += partialW[c &* weightCount &+ i] }
      for i in 0..<o { db[i] += partialB[c &* o &+ i] }
    }
    let dxTensor = needsInput ? Tensor(shape: [batch, g.channels, g.height, g.width], scalars: dx) : nil
    return (
      dxTensor, Tensor(shape: [outChannels, g.channels, g.kernelHeight, g.kernelWidth], scalars: dw),
      Tensor(shape: [o], scalars: db)
    )
  }
}
