import Testing

@_spi(Benchmarks) @testable import Tensor

/// Geometries: same-padding 3×3, asymmetric padding with unequal strides, a valid 5×5, strided 1×1, and padding
/// wide enough that some kernel rows and columns see only zeros.
private let geometries: [ConvolutionGeometry] = [
  ConvolutionGeometry(
    channels: 3, height: 7, width: 9, kernelHeight: 3, kernelWidth: 3, paddingTop: 1, paddingLeft: 1,
    paddingBottom: 1, paddingRight: 1),
  ConvolutionGeometry(
    channels: 2, height: 8, width: 5, kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 1,
    paddingTop: 1, paddingLeft: 0, paddingBottom: 2, paddingRight: 1),
  ConvolutionGeometry(channels: 1, height: 5, width: 6, kernelHeight: 5, kernelWidth: 5),
  ConvolutionGeometry(
    channels: 4, height: 6, width: 7, kernelHeight: 1, kernelWidth: 1, strideHeight: 2, strideWidth: 2),
  ConvolutionGeometry(
    channels: 2, height: 9, width: 11, kernelHeight: 3, kernelWidth: 3, strideHeight: 3, strideWidth: 2,
    paddingTop: 3, paddingLeft: 3, paddingBottom: 3, paddingRight: 3),
]

private func randomArray(_ count: Int, seed: UInt64) -> [Float] {
  var rng = Xoshiro256(seed: seed)
  return (0..<count).map { _ in Float(rng.nextUniform() * 2 - 1) }
}

private func im2col(_ g: ConvolutionGeometry, _ image: [Float]) -> [Float] {
  var columns = [Float](repeating: .nan, count: g.columnRows * g.columnCount)
  image.withUnsafeBufferPointer { x in
    columns.withUnsafeMutableBufferPointer { g.im2col(x.baseAddress!, into: $0.baseAddress!) }
  }
  return columns
}

@Suite struct Im2colTests {
  @Test(arguments: [(28, 5, 1, 2, 28), (7, 3, 2, 1, 4), (8, 2, 2, 0, 4), (5, 5, 1, 0, 1), (10, 3, 3, 0, 3)])
  func outputSizeFollowsFloorFormula(size: (Int, Int, Int, Int, Int)) {
    let (h, k, s, p, expected) = size
    let g = ConvolutionGeometry(
      channels: 1, height: h, width: h, kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s,
      paddingTop: p, paddingLeft: p, paddingBottom: p, paddingRight: p)
    #expect(g.outputHeight == expected && g.outputWidth == expected)
    #expect(g.columnCount == expected * expected && g.columnRows == k * k)
  }

  /// im2col followed by the weight GEMM equals a direct convolution computed in Float64.
  @Test(arguments: 0..<geometries.count)
  func im2colGEMMEqualsDirectConvolution(index: Int) {
    let g = geometries[index]
    let outChannels = 5
    let image = randomArray(g.imageCount, seed: 10 + UInt64(index))
    let weights = randomArray(outChannels * g.columnRows, seed: 20 + UInt64(index))
    let columns = im2col(g, image)
    #expect(!columns.contains { $0.isNaN }, "every column element is written")
    var output = [Float](repeating: 0, count: outChannels * g.columnCount)
    output.withUnsafeMutableBufferPointer { y in
      sgemm(
        .none, .none, m: outChannels, n: g.columnCount, k: g.columnRows, alpha: 1, a: weights, lda: g.columnRows,
        b: columns, ldb: g.columnCount, beta: 0, c: y.baseAddress!, ldc: g.columnCount)
    }
    for o in 0..<outChannels {
      for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
          var sum = 0.0, magnitude = 0.0
          for c in 0..<g.channels {
            for i in 0..<g.kernelHeight {
              for j in 0..<g.kernelWidth {
                let iy = oy * g.strideHeight - g.paddingTop + i
                let ix = ox * g.strideWidth - g.paddingLeft + j
                guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                let w = Double(weights[((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j])
                let term = w * Double(image[(c * g.height + iy) * g.width + ix])
                sum += term
                magnitude += abs(term)
              }
            }
          }
          let got = Double(output[o * g.columnCount + oy * g.outputWidth + ox])
          #expect(abs(got - sum) <= Double(g.columnRows + 2) * Double(Float.ulpOfOne) * magnitude + 1e-30)
        }
      }
    }
  }

  /// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for random x and y (Float64 sums; the two sides add the same products).
  @Test(arguments: 0..<geometries.count)
  func col2imIsTheAdjoint(index: Int) {
    let g = geometries[index]
    let x = randomArray(g.imageCount, seed: 30 + UInt64(index))
    let y = randomArray(g.columnRows * g.columnCount, seed: 40 + UInt64(index))
    let columns = im2col(g, x)
    var folded = [Float](repeating: 0, count: g.imageCount)
    y.withUnsafeBufferPointer { y in
      folded.withUnsafeMutableBufferPointer { g.col2im(y.baseAddress!, addingInto: $0.baseAddress!) }
    }
    let lhs = zip(columns, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let rhs = zip(x, folded).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let scale = zip(columns, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
    #expect(abs(lhs - rhs) <= 1e-5 * scale)
  }

  /// col2im counts how often im2col reads each pixel (ones in, read counts out), and accumulates into the image.
  @Test func col2imOfOnesCountsReads() {
    let g = geometries[1]
    let ones = [Float](repeating: 1, count: g.columnRows * g.columnCount)
    var counts = [Float](repeating: 1, count: g.imageCount)
    ones.withUnsafeBufferPointer { y in
      counts.withUnsafeMutableBufferPointer { g.col2im(y.baseAddress!, addingInto: $0.baseAddress!) }
    }
    for c in 0..<g.channels {
      for iy in 0..<g.height {
        for ix in 0..<g.width {
          var reads = 0
          for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
              let i = iy - (oy * g.strideHeight - g.paddingTop), j = ix - (ox * g.strideWidth - g.paddingLeft)
              if i >= 0, i < g.kernelHeight, j >= 0, j < g.kernelWidth { reads += 1 }
            }
          }
          #expect(counts[(c * g.height + iy) * g.width + ix] == Float(1 + reads))
        }
      }
    }
  }

  /// With `columnStride`, two images land side by side exactly as each alone.
  @Test func columnStrideInterleavesImages() {
    let g = geometries[0]
    let first = randomArray(g.imageCount, seed: 50), second = randomArray(g.imageCount, seed: 51)
    let ld = 2 * g.columnCount
    var batch = [Float](repeating: .nan, count: g.columnRows * ld)
    batch.withUnsafeMutableBufferPointer { out in
      first.withUnsafeBufferPointer { g.im2col($0.baseAddress!, into: out.baseAddress!, columnStride: ld) }
      second.withUnsafeBufferPointer {
        g.im2col($0.baseAddress!, into: out.baseAddress! + g.columnCount, columnStride: ld)
      }
    }
    let a = im2col(g, first), b = im2col(g, second)
    for r in 0..<g.columnRows {
      #expect(
        Array(batch[(r * ld)..<(r * ld + g.columnCount)]) == Array(a[(r * g.columnCount)..<((r + 1) * g.columnCount)]))
      #expect(
        Array(batch[(r * ld + g.columnCount)..<((r + 1) * ld)])
          == Array(b[(r * g.columnCount)..<((r + 1) * g.columnCount)]))
    }
    var folded = [Float](repeating: 0, count: g.imageCount)
    batch.withUnsafeBufferPointer { y in
      folded.withUnsafeMutableBufferPointer {
        g.col2im(y.baseAddress! + g.columnCount, columnStride: ld, addingInto: $0.baseAddress!)
      }
    }
    var alone = [Float](repeating: 0, count: g.imageCount)
    b.withUnsafeBufferPointer { y in
      alone.withUnsafeMutableBufferPointer { g.col2im(y.baseAddress!, addingInto: $0.baseAddress!) }
    }
    #expect(folded == alone)
  }
}
