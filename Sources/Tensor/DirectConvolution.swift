import CKernels

/// A stride-1 2-D convolution computed directly, without im2col: forward, input gradient and weight gradient of
/// `y[n, o] = b[o] + Σ_c w[o, c] ⋆ x[n, c]` for a batch `x` `[N, C, H, W]`, weight `[O, C, kh, kw]`, bias `[O]`.
///
/// **Layout.** A group of images is copied into a "flat padded" scratch: per channel, each image's zero-padded
/// `Hb × Wb` block follows the previous one in one long row, so kernel tap `(i, j)` is the constant offset
/// `i·Wb + j` and the whole group's convolution is, per output channel, a sum of shifted rows scaled by single weights
/// (the CKernels inner loops, `ck_conv.h`: 12 vector accumulators, no unfolding). Positions that are not output pixels
/// (the last `kw − 1` columns and `kh − 1` rows of each block) are computed and dropped. The copies in and out are one
/// pass over the data each, where im2col writes and reads `kh·kw` copies of the input.
///
/// **Gradients.** The input gradient is the same kernel on the output gradient padded by `kernel − 1 − padding`, with
/// the weights rotated by 180° and their channel axes swapped; the weight gradient is a dot product of the output
/// gradient's rows with the input's shifted rows.
///
/// Only for stride 1 and paddings smaller than the kernel (`init` returns nil otherwise): the 'same' and 'valid' 3×3
/// convolutions of the autoencoder, the CNNs and the residual blocks. Parallel over the batch, one group of images per
/// thread at a time; the weight gradient sums per-thread partials in a fixed order, so results do not depend on timing.
package struct DirectConvolution: Sendable {
  package let geometry: ConvolutionGeometry
  package let outChannels: Int
  private let kernels: ck_conv_kernels

  /// Nil unless the stride is 1 and every padding is below the kernel size on its axis. `isa` caps the instruction
  /// set (tests run the portable kernels too); nil uses the best this CPU has.
  package init?(geometry g: ConvolutionGeometry, outChannels: Int, isa: Int? = nil) {
    guard g.strideHeight == 1, g.strideWidth == 1, outChannels >= 1,
      max(g.paddingTop, g.paddingBottom) < g.kernelHeight, max(g.paddingLeft, g.paddingRight) < g.kernelWidth
    else { return nil }
    geometry = g
    self.outChannels = outChannels
    let best = Int(ck_isa_level())
    kernels = ck_conv_select(Int32(min(isa ?? best, best)))
  }

  /// The input `[C, H, W]` of one image with its padding, as the forward pass and the weight gradient read it.
  private var inputLayout: FlatLayout {
    let g = geometry
    return FlatLayout(
      height: g.height, width: g.width, top: g.paddingTop, left: g.paddingLeft, bottom: g.paddingBottom,
      right: g.paddingRight)
  }

  /// "AVX2+FMA" or "portable": the kernels this instance runs.
  package var kernelDescription: String { kernels.isa >= 1 ? "AVX2+FMA" : "portable" }

  /// `[N, O, Ho, Wo]` from `x` `[N, C, H, W]`, `weight` `[O, C, kh, kw]` and `bias` `[O]` (nil: zero).
  package func forward(x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let g = geometry
    let n = x.shape.first ?? 0
    let (o, ho, wo) = (outChannels, g.outputHeight, g.outputWidth)
    let biasValues = bias?.scalars ?? [Float](repeating: 0, count: o)
    let count = n * o * ho * wo
    // Every element is written by `unpack`, so the output starts uninitialised.
    let out = [Float](unsafeUninitializedCapacity: count) { yb, initialized in
      initialized = count
      guard let yBase = yb.baseAddress else { return }
      let yp = SendablePointer(yBase)
      convolveGroups(x: x, weight: weight) { output, images in
        output.unpack(into: yp.base, images: images, channels: o, height: ho, width: wo, adding: biasValues)
      }
    }
    return Tensor(shape: [n, o, ho, wo], scalars: out)
  }

  /// The forward pass followed by 2×2 max pooling with stride 2, without writing the convolution's output: each
  /// group's output is pooled while it is in cache. Returns the pooled `[N, O, Ho/2, Wo/2]` (rounded down) and, per
  /// pooled element, the index of its maximum inside its `Ho × Wo` output plane — exactly what
  /// `forward` then max pooling give (the bias is added before comparing; ties go to the first in row-major order).
  package func forwardMaxPooled(x: Tensor, weight: Tensor, bias: Tensor?) -> (pooled: Tensor, argmax: [Int32]) {
    let g = geometry
    let n = x.shape.first ?? 0
    let (o, ho, wo) = (outChannels, g.outputHeight, g.outputWidth)
    let biasValues = bias?.scalars ?? [Float](repeating: 0, count: o)
    let count = n * o * (ho / 2) * (wo / 2)
    var argmax = [Int32](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    let out = argmax.withUnsafeMutableBufferPointer { ab in
      [Float](unsafeUninitializedCapacity: count) { yb, initialized in
        initialized = count
        guard let yBase = yb.baseAddress, let aBase = ab.baseAddress else { return }
        let (yp, ap) = (SendablePointer(yBase), SendablePointer(aBase))
        convolveGroups(x: x, weight: weight) { output, images in
          output.unpackMaxPooled(
            into: yp.base, argmax: ap.base, images: images, channels: o, height: ho, width: wo, adding: biasValues)
        }
      }
    }
    return (Tensor(shape: [n, o, ho / 2, wo / 2], scalars: out), argmax)
  }

  /// Convolves `x` group by group (in parallel) and hands each group's output rows, in the flat layout, to `emit`
  /// with the images they hold.
  private func convolveGroups(
    x: Tensor, weight: Tensor, emit: @Sendable (_ output: FlatScratch, _ images: Range<Int>) -> Void
  ) {
    let g = geometry
    let n = x.shape.first ?? 0
    let layout = inputLayout
    let plan = GroupPlan(batch: n, channels: g.channels + outChannels, layout: layout)
    let offsets = layout.offsets(kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth)
    let o = outChannels
    x.scalars.withUnsafeBufferPointer { xb in
      weight.scalars.withUnsafeBufferPointer { wb in
        guard let xBase = xb.baseAddress, let wBase = wb.baseAddress else { return }
        let (xp, wp) = (SendablePointer(xBase), SendablePointer(wBase))
        parallelFor(plan.chunks) { chunkRange in
          let input = FlatScratch(channels: g.channels, layout: layout, images: plan.group, reach: offsets.last ?? 0)
          let output = FlatScratch(channels: o, layout: layout, images: plan.group, reach: 0)
          let channelOffsets = input.channelOffsets(taps: offsets, channels: g.channels)
          defer {
            input.deallocate()
            output.deallocate()
          }
          for c in chunkRange {
            for images in plan.groups(ofChunk: c) {
              input.pack(UnsafePointer(xp.base), images: images, channels: g.channels, height: g.height)
              channelOffsets.withUnsafeBufferPointer { off in
                kernels.forward(
                  off.count, o, off.baseAddress, UnsafePointer(wp.base), input.base, output.base, output.stride,
                  layout.length(images.count))
              }
              emit(output, images)
            }
          }
        }
      }
    }
  }

  /// Gradients with respect to the input (when `needsInput`, else nil), the weight and the bias (the last two only
  /// computed when `needsWeight`; zeros otherwise). `dy` `[N, O, Ho, Wo]`, `x` and `weight` as in `forward`.
  package func backward(dy: Tensor, x: Tensor, weight: Tensor, needsInput: Bool, needsWeight: Bool)
    -> (Tensor?, Tensor, Tensor)
  {
    let g = geometry
    let n = x.shape.first ?? 0
    let (o, ho, wo, t) = (outChannels, g.outputHeight, g.outputWidth, g.kernelHeight * g.kernelWidth)
    let weightCount = o * g.channels * t
    // Weight gradient: x in the forward layout against dy placed at the output positions of that layout.
    let forwardLayout = inputLayout
    // Input gradient: dy padded by kernel − 1 − padding, convolved with the rotated, transposed weights.
    let (padTop, padLeft) = (g.kernelHeight - 1 - g.paddingTop, g.kernelWidth - 1 - g.paddingLeft)
    let backwardLayout = FlatLayout(
      height: ho, width: wo, top: padTop, left: padLeft, bottom: g.kernelHeight - 1 - g.paddingBottom,
      right: g.kernelWidth - 1 - g.paddingRight)
    let plan = GroupPlan(
      batch: n, channels: g.channels + o,
      layout: forwardLayout.blockCount >= backwardLayout.blockCount ? forwardLayout : backwardLayout)
    let forwardOffsets = forwardLayout.offsets(kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth)
    let backwardOffsets = backwardLayout.offsets(kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth)
    var rotated = [Float](repeating: 0, count: needsInput ? weightCount : 0)
    if needsInput {
      for oc in 0..<o {
        for c in 0..<g.channels {
          for k in 0..<t { rotated[(c * o + oc) * t + (t - 1 - k)] = weight.scalars[(oc * g.channels + c) * t + k] }
        }
      }
    }
    var partialW = [Float](repeating: 0, count: needsWeight ? plan.chunks * weightCount : 0)
    var partialB = [Float](repeating: 0, count: needsWeight ? plan.chunks * o : 0)
    // Every element of dx is written by `unpack` (Float needs no initialisation, so none is done).
    let dxCount = needsInput ? x.scalars.count : 0
    var dx = [Float](unsafeUninitializedCapacity: dxCount) { _, initialized in initialized = dxCount }
    dy.scalars.withUnsafeBufferPointer { gb in
      x.scalars.withUnsafeBufferPointer { xb in
        rotated.withUnsafeBufferPointer { rb in
          partialW.withUnsafeMutableBufferPointer { pwb in
            partialB.withUnsafeMutableBufferPointer { pbb in
              dx.withUnsafeMutableBufferPointer { dxb in
                guard let gBase = gb.baseAddress, let xBase = xb.baseAddress else { return }
                let (gp, xp) = (SendablePointer(gBase), SendablePointer(xBase))
                let rp = rb.baseAddress.map { SendablePointer($0) }
                let pw = pwb.baseAddress.map { SendablePointer($0) }
                let pb = pbb.baseAddress.map { SendablePointer($0) }
                let dxp = dxb.baseAddress.map { SendablePointer($0) }
                parallelFor(plan.chunks) { chunkRange in
                  let input = FlatScratch(
                    channels: needsWeight ? g.channels : 0, layout: forwardLayout, images: plan.group,
                    reach: forwardOffsets.last ?? 0)
                  let gradient = FlatScratch(
                    channels: needsWeight ? o : 0, layout: forwardLayout, images: plan.group, reach: 0)
                  let paddedGradient = FlatScratch(
                    channels: needsInput ? o : 0, layout: backwardLayout, images: plan.group,
                    reach: backwardOffsets.last ?? 0)
                  let inputGradient = FlatScratch(
                    channels: needsInput ? g.channels : 0, layout: backwardLayout, images: plan.group, reach: 0)
                  let gradientOffsets = paddedGradient.channelOffsets(
                    taps: backwardOffsets, channels: needsInput ? o : 0)
                  defer {
                    input.deallocate()
                    gradient.deallocate()
                    paddedGradient.deallocate()
                    inputGradient.deallocate()
                  }
                  for c in chunkRange {
                    for images in plan.groups(ofChunk: c) {
                      if needsWeight, let pw, let pb {
                        input.pack(UnsafePointer(xp.base), images: images, channels: g.channels, height: g.height)
                        gradient.packOutput(UnsafePointer(gp.base), images: images, channels: o, height: ho, width: wo)
                        let db = pb.base + c * o
                        for i in images {
                          for ch in 0..<o { db[ch] += ck_sum(UnsafePointer(gp.base) + (i * o + ch) * ho * wo, ho * wo) }
                        }
                        let length = (forwardLayout.length(images.count) + 31) / 32 * 32
                        forwardOffsets.withUnsafeBufferPointer { off in
                          kernels.weight_grad(
                            g.channels, o, off.count, off.baseAddress, gradient.base, gradient.stride, input.base,
                            input.stride, length, pw.base + c * weightCount)
                        }
                      }
                      if needsInput, let rp, let dxp {
                        paddedGradient.pack(UnsafePointer(gp.base), images: images, channels: o, height: ho)
                        gradientOffsets.withUnsafeBufferPointer { off in
                          kernels.forward(
                            off.count, g.channels, off.baseAddress, UnsafePointer(rp.base), paddedGradient.base,
                            inputGradient.base, inputGradient.stride, backwardLayout.length(images.count))
                        }
                        inputGradient.unpack(
                          into: dxp.base, images: images, channels: g.channels, height: g.height, width: g.width,
                          adding: nil)
                      }
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
    if needsWeight {
      for c in 0..<plan.chunks {
        for i in 0..<weightCount { dw[i] += partialW[c * weightCount + i] }
        for i in 0..<o { db[i] += partialB[c * o + i] }
      }
    }
    let dxTensor = needsInput ? Tensor(shape: x.shape, scalars: dx) : nil
    return (
      dxTensor, Tensor(shape: [o, g.channels, g.kernelHeight, g.kernelWidth], scalars: dw),
      Tensor(shape: [o], scalars: db)
    )
  }
}

/// Where one image's pixels sit in its block of a flat row (see `DirectConvolution`).
///
/// Neighbouring images share their padding: a block is the image plus `max(top, bottom)` zero rows and each row the
/// image row plus `max(left, right)` zero columns, so a tap that reads above (left of) an image lands in the zero rows
/// (columns) that end the previous block (row). Pixel `(y, x)` of image `k` sits at
/// `top·blockWidth + left + k·blockCount + y·blockWidth + x`; output pixel `(oy, ox)` at `k·blockCount + oy·blockWidth
/// + ox`, reading the input at that position plus the tap offsets. For a 7×7 image and a 3×3 'same' kernel that is
/// 64 positions per image where separately padded images take 81.
private struct FlatLayout {
  /// The image (rows × columns) placed in each block.
  let height: Int
  let width: Int
  /// The padding the convolution reads around the image.
  let top: Int
  let left: Int
  /// The block: `blockHeight × blockWidth` floats per image.
  let blockHeight: Int
  let blockWidth: Int

  init(height: Int, width: Int, top: Int, left: Int, bottom: Int, right: Int) {
    self.height = height
    self.width = width
    self.top = top
    self.left = left
    blockHeight = height + max(top, bottom)
    blockWidth = width + max(left, right)
  }

  var blockCount: Int { blockHeight * blockWidth }

  /// Flat positions of `images` consecutive blocks.
  func length(_ images: Int) -> Int { images * blockCount }

  /// Offset of tap `(i, j)` at index `i·kw + j`: `i·blockWidth + j`, increasing.
  func offsets(kernelHeight: Int, kernelWidth: Int) -> [Int] {
    (0..<kernelHeight).flatMap { i in (0..<kernelWidth).map { j in i * blockWidth + j } }
  }
}

/// How a batch splits into per-thread chunks and those into groups of images that share one flat row.
private struct GroupPlan {
  let batch: Int
  let chunks: Int
  /// Images per group: enough for a row of a few thousand floats, few enough that the rows of all input and output
  /// channels stay in L2 (about 256 KiB) for the weight gradient's passes.
  let group: Int

  init(batch: Int, channels: Int, layout: FlatLayout) {
    self.batch = batch
    chunks = max(1, min(Parallelism.maximumThreads, batch))
    let perChunk = (batch + chunks - 1) / chunks
    let rowBudget = 65_536 / max(1, channels)
    group = max(1, min(perChunk, rowBudget / max(1, layout.blockCount)))
  }

  /// The images of chunk `c`, in groups of at most `group`.
  func groups(ofChunk c: Int) -> [Range<Int>] {
    let range = (batch * c / chunks)..<(batch * (c + 1) / chunks)
    return stride(from: range.lowerBound, to: range.upperBound, by: group).map {
      $0..<min($0 + group, range.upperBound)
    }
  }
}

/// One thread's flat rows for `channels` channels of up to `images` blocks, zeroed once: packing writes only image
/// pixels, so the padding stays zero across groups.
private struct FlatScratch {
  let base: UnsafeMutablePointer<Float>
  /// Floats between channels' rows: the rounded-up group length plus the kernel's reach and a vector of slack.
  let stride: Int
  let layout: FlatLayout
  let capacity: Int

  /// `reach`: the largest tap offset the kernels add to a position (0 for rows that are only written).
  init(channels: Int, layout: FlatLayout, images: Int, reach: Int) {
    self.layout = layout
    let rounded = (layout.length(images) + 95) / 96 * 96  // the forward kernel's widest strip
    stride = (rounded + reach + 32 + 7) / 8 * 8
    capacity = max(1, channels * stride + 32)
    base = .allocate(capacity: capacity)
    base.initialize(repeating: 0, count: capacity)
  }

  func deallocate() { base.deallocate() }

  /// The forward kernel's offsets: `c·stride + taps[t]` at index `c·T + t`.
  func channelOffsets(taps: [Int], channels: Int) -> [Int] {
    (0..<channels).flatMap { c in taps.map { c * stride + $0 } }
  }

  /// Copies images `images` of `source` `[N, channels, height, layout.width]` into their blocks (block `k` holds
  /// image `images.lowerBound + k`).
  func pack(_ source: UnsafePointer<Float>, images: Range<Int>, channels: Int, height: Int) {
    let (w, bc, bw) = (layout.width, layout.blockCount, layout.blockWidth)
    for (k, n) in images.enumerated() {
      for c in 0..<channels {
        let src = source + (n * channels + c) * height * w
        let dst = base + c * stride + layout.top * bw + layout.left + k * bc
        ck_copy_plane(src, w, dst, bw, height, w, 0)
      }
    }
  }

  /// Like `pack`, but places an `[N, channels, height, width]` output gradient at the output positions of the
  /// blocks (top-left aligned) and zeroes every other position the weight-gradient kernel reads.
  func packOutput(_ source: UnsafePointer<Float>, images: Range<Int>, channels: Int, height: Int, width: Int) {
    let (bc, bw) = (layout.blockCount, layout.blockWidth)
    let used = layout.length(images.count)
    let end = (used + 31) / 32 * 32
    for c in 0..<channels {
      let row = base + c * stride
      for (k, n) in images.enumerated() {
        // Only output positions are ever written, so the rest of each block is still zero from `init`.
        ck_copy_plane(source + (n * channels + c) * height * width, width, row + k * bc, bw, height, width, 0)
      }
      // The rounding past the last block may hold an earlier, larger group's data.
      (row + used).update(repeating: 0, count: end - used)
    }
  }

  /// Max-pools (2×2, stride 2) the output positions of the blocks (top-left `height × width` of each) plus
  /// `bias[channel]` into images `images` of `destination` `[N, channels, height/2, width/2]`, and writes each
  /// maximum's index inside its `height × width` plane to `argmax` (same layout). Ties go to the first of the window
  /// in row-major order, as `Variable.maxPool2d` breaks them.
  func unpackMaxPooled(
    into destination: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, images: Range<Int>,
    channels: Int, height: Int, width: Int, adding bias: [Float]
  ) {
    let (bc, bw) = (layout.blockCount, layout.blockWidth)
    let (ph, pw) = (height / 2, width / 2)
    for (k, n) in images.enumerated() {
      for c in 0..<channels {
        let src = base + c * stride + k * bc
        let plane = (n * channels + c) * ph * pw
        let (dst, arg) = (destination + plane, argmax + plane)
        let b = bias[c]
        for oh in 0..<ph {
          let top = src + 2 &* oh &* bw
          for ow in 0..<pw {
            let j = 2 &* ow
            let (p, q, r, s) = (top[j] + b, top[j &+ 1] + b, top[j &+ bw] + b, top[j &+ bw &+ 1] + b)
            let i = Int32(truncatingIfNeeded: 2 &* oh &* width &+ j)
            let right = q > p
            let (upper, upperIndex) = (right ? q : p, right ? i &+ 1 : i)
            let lowerRight = s > r
            let below = i &+ Int32(truncatingIfNeeded: width)
            let (lower, lowerIndex) = (lowerRight ? s : r, lowerRight ? below &+ 1 : below)
            let down = lower > upper
            dst[oh &* pw &+ ow] = down ? lower : upper
            arg[oh &* pw &+ ow] = down ? lowerIndex : upperIndex
          }
        }
      }
    }
  }

  /// Copies the output positions of the blocks (top-left `height × width` of each) into images `images` of
  /// `destination` `[N, channels, height, width]`, adding `bias[channel]`, or overwriting when `bias` is nil.
  func unpack(
    into destination: UnsafeMutablePointer<Float>, images: Range<Int>, channels: Int, height: Int, width: Int,
    adding bias: [Float]?
  ) {
    let (bc, bw) = (layout.blockCount, layout.blockWidth)
    for (k, n) in images.enumerated() {
      for c in 0..<channels {
        let dst = destination + (n * channels + c) * height * width
        let src = base + c * stride + k * bc
        ck_copy_plane(src, bw, dst, width, height, width, bias?[c] ?? 0)
      }
    }
  }
}
