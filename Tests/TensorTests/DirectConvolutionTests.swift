import CKernels
import Testing

@_spi(Benchmarks) @testable import Tensor

/// The direct convolution against the definition, written as plain loops: forward, input gradient and weight / bias
/// gradients (the adjoints of the forward map), for every kernel this CPU runs.
@Suite struct DirectConvolutionTests {
  /// (channels, height, width, outChannels, kernel h, kernel w, padding top, left, bottom, right, batch)
  static let cases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (1, 28, 28, 8, 3, 3, 1, 1, 1, 1, 5),  // the autoencoder's first layer
    (8, 14, 14, 16, 3, 3, 1, 1, 1, 1, 3),
    (16, 7, 7, 32, 3, 3, 1, 1, 1, 1, 4),
    (8, 28, 28, 1, 3, 3, 1, 1, 1, 1, 2),  // one output channel (the decoder's last layer)
    (3, 9, 11, 7, 3, 3, 0, 0, 0, 0, 3),  // 'valid', odd output count, non-square
    (2, 6, 5, 5, 5, 3, 2, 1, 1, 0, 2),  // asymmetric kernel and padding
    (5, 4, 4, 6, 1, 1, 0, 0, 0, 0, 7),  // 1×1
    (3, 1, 1, 2, 3, 3, 1, 1, 1, 1, 3),  // a single pixel
    (4, 8, 8, 3, 2, 2, 1, 1, 0, 0, 1),  // even kernel ('same' padding PyTorch-style)
  ]

  static func geometry(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)) -> ConvolutionGeometry {
    ConvolutionGeometry(
      channels: c.0, height: c.1, width: c.2, kernelHeight: c.4, kernelWidth: c.5, paddingTop: c.6,
      paddingLeft: c.7, paddingBottom: c.8, paddingRight: c.9)
  }

  /// y[n, o, oy, ox] = b[o] + Σ w[o, c, i, j]·x[n, c, oy − pt + i, ox − pl + j] (zero outside the image).
  static func naiveForward(_ g: ConvolutionGeometry, o: Int, n: Int, x: [Float], w: [Float], b: [Float]) -> [Double] {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    var y = [Double](repeating: 0, count: n * o * ho * wo)
    for img in 0..<n {
      for oc in 0..<o {
        for oy in 0..<ho {
          for ox in 0..<wo {
            var s = Double(b[oc])
            for c in 0..<g.channels {
              for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                  let (iy, ix) = (oy - g.paddingTop + i, ox - g.paddingLeft + j)
                  guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                  s +=
                    Double(w[((oc * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j])
                    * Double(x[((img * g.channels + c) * g.height + iy) * g.width + ix])
                }
              }
            }
            y[((img * o + oc) * ho + oy) * wo + ox] = s
          }
        }
      }
    }
    return y
  }

  static func random(_ count: Int, _ rng: inout Xoshiro256) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
  }

  static func maxError(_ a: [Float], _ b: [Double]) -> Double {
    zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
  }

  @Test(arguments: 0..<cases.count)
  func forwardMatchesTheDefinition(index: Int) throws {
    let c = Self.cases[index]
    let g = Self.geometry(c)
    let (o, n) = (c.3, c.10)
    var rng = Xoshiro256(seed: UInt64(index) + 1)
    let x = Self.random(n * g.imageCount, &rng)
    let w = Self.random(o * g.columnRows, &rng)
    let b = Self.random(o, &rng)
    let expected = Self.naiveForward(g, o: o, n: n, x: x, w: w, b: b)
    for isa in 0...Int(ck_isa_level()) {
      let conv = try #require(DirectConvolution(geometry: g, outChannels: o, isa: isa))
      let y = conv.forward(
        x: Tensor(shape: [n, g.channels, g.height, g.width], scalars: x),
        weight: Tensor(shape: [o, g.channels, g.kernelHeight, g.kernelWidth], scalars: w),
        bias: Tensor(shape: [o], scalars: b))
      #expect(y.shape == [n, o, g.outputHeight, g.outputWidth])
      // Float sums of ≤ 144 terms of size ≤ 1: a few ulps of the sum's magnitude.
      #expect(Self.maxError(y.scalars, expected) < 1e-4, "isa \(isa) (\(conv.kernelDescription))")
    }
  }

  /// ⟨dy, conv(x)⟩ is linear in x and in w: its gradients are dx = convᵀ(dy) and dw, db, checked entry by entry
  /// against the definition (dx[n,c,iy,ix] = Σ dy·w over the outputs that read (iy, ix); dw = Σ dy·x).
  @Test(arguments: 0..<cases.count)
  func gradientsMatchTheDefinition(index: Int) throws {
    let c = Self.cases[index]
    let g = Self.geometry(c)
    let (o, n) = (c.3, c.10)
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    var rng = Xoshiro256(seed: UInt64(index) + 100)
    let x = Self.random(n * g.imageCount, &rng)
    let w = Self.random(o * g.columnRows, &rng)
    let dy = Self.random(n * o * ho * wo, &rng)
    var dx = [Double](repeating: 0, count: x.count)
    var dw = [Double](repeating: 0, count: w.count)
    var db = [Double](repeating: 0, count: o)
    for img in 0..<n {
      for oc in 0..<o {
        for oy in 0..<ho {
          for ox in 0..<wo {
            let gv = Double(dy[((img * o + oc) * ho + oy) * wo + ox])
            db[oc] += gv
            for ch in 0..<g.channels {
              for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                  let (iy, ix) = (oy - g.paddingTop + i, ox - g.paddingLeft + j)
                  guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                  let wi = ((oc * g.channels + ch) * g.kernelHeight + i) * g.kernelWidth + j
                  let xi = ((img * g.channels + ch) * g.height + iy) * g.width + ix
                  dx[xi] += gv * Double(w[wi])
                  dw[wi] += gv * Double(x[xi])
                }
              }
            }
          }
        }
      }
    }
    for isa in 0...Int(ck_isa_level()) {
      let conv = try #require(DirectConvolution(geometry: g, outChannels: o, isa: isa))
      let (gx, gw, gb) = conv.backward(
        dy: Tensor(shape: [n, o, ho, wo], scalars: dy),
        x: Tensor(shape: [n, g.channels, g.height, g.width], scalars: x),
        weight: Tensor(shape: [o, g.channels, g.kernelHeight, g.kernelWidth], scalars: w), needsInput: true,
        needsWeight: true)
      let inputGradient = try #require(gx)
      #expect(inputGradient.shape == [n, g.channels, g.height, g.width])
      #expect(Self.maxError(inputGradient.scalars, dx) < 1e-4, "dx, isa \(isa)")
      // dw sums n·Ho·Wo products: allow for that many float roundings of unit size.
      let tolerance = 1e-6 * Double(n * ho * wo) + 1e-5
      #expect(Self.maxError(gw.scalars, dw) < tolerance, "dw, isa \(isa)")
      #expect(Self.maxError(gb.scalars, db) < tolerance, "db, isa \(isa)")
      // Asking for one gradient gives the same values for it.
      let (onlyX, _, _) = conv.backward(
        dy: Tensor(shape: [n, o, ho, wo], scalars: dy),
        x: Tensor(shape: [n, g.channels, g.height, g.width], scalars: x),
        weight: Tensor(shape: [o, g.channels, g.kernelHeight, g.kernelWidth], scalars: w), needsInput: true,
        needsWeight: false)
      #expect(onlyX?.scalars == inputGradient.scalars)
      let (none, onlyW, _) = conv.backward(
        dy: Tensor(shape: [n, o, ho, wo], scalars: dy),
        x: Tensor(shape: [n, g.channels, g.height, g.width], scalars: x),
        weight: Tensor(shape: [o, g.channels, g.kernelHeight, g.kernelWidth], scalars: w), needsInput: false,
        needsWeight: true)
      #expect(none == nil)
      #expect(onlyW.scalars == gw.scalars)
    }
  }

  /// Groups of images reuse their scratch rows: a batch large enough for several groups per thread, whose last group
  /// is partial, must give every image the result it gets alone.
  @Test func manyGroupsMatchSingleImages() throws {
    let g = ConvolutionGeometry(
      channels: 2, height: 12, width: 12, kernelHeight: 3, kernelWidth: 3, paddingTop: 1, paddingLeft: 1,
      paddingBottom: 1, paddingRight: 1)
    let (o, n) = (3, 203)
    var rng = Xoshiro256(seed: 7)
    let x = Self.random(n * g.imageCount, &rng)
    let w = Tensor(shape: [o, 2, 3, 3], scalars: Self.random(o * g.columnRows, &rng))
    let dy = Self.random(n * o * g.columnCount, &rng)
    let conv = try #require(DirectConvolution(geometry: g, outChannels: o))
    let all = conv.forward(x: Tensor(shape: [n, 2, 12, 12], scalars: x), weight: w, bias: nil)
    let (dxAll, _, _) = conv.backward(
      dy: Tensor(shape: [n, o, 12, 12], scalars: dy), x: Tensor(shape: [n, 2, 12, 12], scalars: x), weight: w,
      needsInput: true, needsWeight: false)
    for i in [0, 1, 57, 101, 202] {
      let xi = Tensor(shape: [1, 2, 12, 12], scalars: Array(x[(i * g.imageCount)..<((i + 1) * g.imageCount)]))
      let one = conv.forward(x: xi, weight: w, bias: nil)
      #expect(Array(all.scalars[(i * o * 144)..<((i + 1) * o * 144)]) == one.scalars, "image \(i)")
      let dyi = Tensor(shape: [1, o, 12, 12], scalars: Array(dy[(i * o * 144)..<((i + 1) * o * 144)]))
      let (dxi, _, _) = conv.backward(dy: dyi, x: xi, weight: w, needsInput: true, needsWeight: false)
      #expect(
        Array(try #require(dxAll).scalars[(i * g.imageCount)..<((i + 1) * g.imageCount)])
          == (try #require(dxi)).scalars, "dx of image \(i)")
    }
  }

  @Test func refusesStridesAndLargePadding() {
    let strided = ConvolutionGeometry(
      channels: 1, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2)
    #expect(DirectConvolution(geometry: strided, outChannels: 1) == nil)
    let wide = ConvolutionGeometry(
      channels: 1, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, paddingTop: 3)
    #expect(DirectConvolution(geometry: wide, outChannels: 1) == nil)
  }

  /// Plane copies of every row width from 1 to 21 (scalar rows, overlapping 4- and 8-wide tails), with and without a
  /// bias, write exactly the rows' elements: value + bias there, the destination's padding untouched.
  @Test func planeCopiesWriteEachRowOnce() {
    for width in 1...21 {
      for bias: Float in [0, 0.5] {
        let (rows, srcStride, dstStride) = (3, width + 2, width + 5)
        let source = (0..<(rows * srcStride)).map { Float($0) * 0.25 - 3 }
        var destination = [Float](repeating: -99, count: rows * dstStride)
        ck_copy_plane(source, srcStride, &destination, dstStride, rows, width, bias)
        for r in 0..<rows {
          for j in 0..<dstStride {
            let want = j < width ? source[r * srcStride + j] + bias : -99
            #expect(destination[r * dstStride + j] == want, "width \(width) row \(r) column \(j)")
          }
        }
      }
    }
  }
}
