/// The geometry of a 2-D convolution (or pooling) window over one `[C, H, W]` image, for im2col / col2im.
///
/// Output size follows PyTorch: `outputHeight = (height + paddingTop + paddingBottom − kernelHeight) / strideHeight + 1`
/// (floor), likewise for the width. Padding is zeros. The column matrix has `columnRows = C·kh·kw` rows, ordered
/// (channel, kernel row, kernel column) as PyTorch's `Conv2d` weight `[Cout, C, kh, kw]` flattens, and
/// `columnCount = outH·outW` columns, ordered (output row, output column). A convolution is then the GEMM
/// `Y[Cout, outH·outW] = W[Cout, C·kh·kw] · columns`.
package struct ConvolutionGeometry: Sendable, Equatable, Hashable, Codable {
  package let channels: Int
  package let height: Int
  package let width: Int
  package let kernelHeight: Int
  package let kernelWidth: Int
  package let strideHeight: Int
  package let strideWidth: Int
  package let paddingTop: Int
  package let paddingLeft: Int
  package let paddingBottom: Int
  package let paddingRight: Int

  /// A window geometry; sizes ≥ 1, paddings ≥ 0, and the padded image at least as large as the kernel.
  ///
  /// Preconditions (a programming error between modules, not user input: layers validate their configuration
  /// first): violating them traps with the offending values.
  package init(
    channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
    strideHeight: Int = 1, strideWidth: Int = 1,
    paddingTop: Int = 0, paddingLeft: Int = 0, paddingBottom: Int = 0, paddingRight: Int = 0
  ) {
    precondition(
      channels >= 1 && height >= 1 && width >= 1 && kernelHeight >= 1 && kernelWidth >= 1 && strideHeight >= 1
        && strideWidth >= 1,
      "ConvolutionGeometry needs positive sizes, got C=\(channels) H=\(height) W=\(width) "
        + "kernel \(kernelHeight)×\(kernelWidth) stride \(strideHeight)×\(strideWidth)")
    precondition(
      paddingTop >= 0 && paddingLeft >= 0 && paddingBottom >= 0 && paddingRight >= 0,
      "ConvolutionGeometry needs non-negative padding, got top \(paddingTop) left \(paddingLeft) "
        + "bottom \(paddingBottom) right \(paddingRight)")
    precondition(
      height + paddingTop + paddingBottom >= kernelHeight && width + paddingLeft + paddingRight >= kernelWidth,
      "ConvolutionGeometry: kernel \(kernelHeight)×\(kernelWidth) exceeds the padded image "
        + "\(height + paddingTop + paddingBottom)×\(width + paddingLeft + paddingRight)")
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideHeight = strideHeight
    self.strideWidth = strideWidth
    self.paddingTop = paddingTop
    self.paddingLeft = paddingLeft
    self.paddingBottom = paddingBottom
    self.paddingRight = paddingRight
  }

  /// Rows of the output feature map.
  package var outputHeight: Int { (height + paddingTop + paddingBottom - kernelHeight) / strideHeight + 1 }
  /// Columns of the output feature map.
  package var outputWidth: Int { (width + paddingLeft + paddingRight - kernelWidth) / strideWidth + 1 }
  /// Rows of the column matrix: `channels · kernelHeight · kernelWidth`.
  package var columnRows: Int { channels * kernelHeight * kernelWidth }
  /// Columns of the column matrix: `outputHeight · outputWidth`.
  package var columnCount: Int { outputHeight * outputWidth }
  /// Elements of one input image: `channels · height · width`.
  package var imageCount: Int { channels * height * width }

  /// For kernel offset `kj`, the output columns whose input column `ox·stride − paddingLeft + kj` lies inside the
  /// image; the others read padding.
  @inline(__always)
  private func validOutputColumns(kernelColumn kj: Int) -> Range<Int> {
    let outW = outputWidth
    let offset = paddingLeft &- kj  // ix = ox·sw − offset ≥ 0  ⇔  ox ≥ ceil(offset / sw)
    let lower = offset <= 0 ? 0 : (offset &+ strideWidth &- 1) / strideWidth
    // ix ≤ width − 1  ⇔  ox ≤ (width − 1 + offset) / sw
    let last = width &- 1 &+ offset
    let upper = last < 0 ? 0 : min(outW, last / strideWidth &+ 1)
    return min(lower, upper)..<upper
  }

  /// Unfolds one image into its column matrix.
  ///
  /// `columns[(c·kh + i)·kw + j, oy·outW + ox] = image[c, oy·sh − padTop + i, ox·sw − padLeft + j]`, or 0 where that
  /// lies in the padding.
  /// - Parameters:
  ///   - image: `[C, H, W]`, row-major, `imageCount` floats.
  ///   - columns: receives the `columnRows × columnCount` matrix; every element in it is written.
  ///   - columnStride: the row stride of `columns` (≥ `columnCount`); a larger stride places several images' columns
  ///     side by side, e.g. `n · columnCount` for a batch GEMM over n images.
  /// - Complexity: O(columnRows · columnCount).
  package func im2col(
    _ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, columnStride: Int? = nil
  ) {
    let ld = columnStride ?? columnCount
    precondition(ld >= columnCount, "im2col: columnStride \(ld) is below columnCount \(columnCount)")
    let (outH, outW, sh, sw) = (outputHeight, outputWidth, strideHeight, strideWidth)
    var row = 0
    for c in 0..<channels {
      let plane = image + (c &* height &* width)
      for ki in 0..<kernelHeight {
        for kj in 0..<kernelWidth {
          let valid = validOutputColumns(kernelColumn: kj)
          let dstRow = columns + (row &* ld)
          for oy in 0..<outH {
            let dst = dstRow + (oy &* outW)
            let iy = oy &* sh &- paddingTop &+ ki
            guard iy >= 0 && iy < height else {
              dst.initialize(repeating: 0, count: outW)
              continue
            }
            if valid.lowerBound > 0 { dst.initialize(repeating: 0, count: valid.lowerBound) }
            if valid.upperBound < outW {
              (dst + valid.upperBound).initialize(repeating: 0, count: outW &- valid.upperBound)
            }
            guard !valid.isEmpty else { continue }
            let src = plane + (iy &* width &+ valid.lowerBound &* sw &- paddingLeft &+ kj)
            if sw == 1 {
              (dst + valid.lowerBound).update(from: src, count: valid.count)
            } else {
              var ox = valid.lowerBound
              var s = src
              while ox < valid.upperBound {
                dst[ox] = s.pointee
                s += sw
                ox &+= 1
              }
            }
          }
          row &+= 1
        }
      }
    }
  }

  /// Folds a column matrix back onto an image, adding every entry to the pixel it was read from: the adjoint of
  /// `im2col` (⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩), used for the input gradient of a convolution.
  ///
  /// Entries that `im2col` reads from the padding are dropped. The image is accumulated into, not overwritten:
  /// zero it first for a plain fold.
  /// - Parameters:
  ///   - columns: the `columnRows × columnCount` matrix with row stride `columnStride` (default `columnCount`).
  ///   - image: `[C, H, W]`, row-major, `imageCount` floats, receives the sums.
  /// - Complexity: O(columnRows · columnCount).
  package func col2im(
    _ columns: UnsafePointer<Float>, columnStride: Int? = nil, addingInto image: UnsafeMutablePointer<Float>
  ) {
    let ld = columnStride ?? columnCount
    precondition(ld >= columnCount, "col2im: columnStride \(ld) is below columnCount \(columnCount)")
    let (outH, outW, sh, sw) = (outputHeight, outputWidth, strideHeight, strideWidth)
    var row = 0
    for c in 0..<channels {
      let plane = image + (c &* height &* width)
      for ki in 0..<kernelHeight {
        for kj in 0..<kernelWidth {
          let valid = validOutputColumns(kernelColumn: kj)
          let srcRow = columns + (row &* ld)
          row &+= 1
          guard !valid.isEmpty else { continue }
          for oy in 0..<outH {
            let iy = oy &* sh &- paddingTop &+ ki
            guard iy >= 0 && iy < height else { continue }
            let src = srcRow + (oy &* outW)
            var dst = plane + (iy &* width &+ valid.lowerBound &* sw &- paddingLeft &+ kj)
            var ox = valid.lowerBound
            while ox < valid.upperBound {
              dst.pointee += src[ox]
              dst += sw
              ox &+= 1
            }
          }
        }
      }
    }
  }
}
