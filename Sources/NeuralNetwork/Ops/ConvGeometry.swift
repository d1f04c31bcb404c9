/// Sizes of one 2-D convolution over an image `[C, H, W]` with a `kh×kw` kernel, stride and zero padding.
///
/// Output extents follow PyTorch: `Ho = (H + padTop + padBottom − kh) / stride + 1` (floor), likewise `Wo`.
public struct ConvGeometry: Sendable, Equatable {
  public var channels: Int, height: Int, width: Int
  public var kernelHeight: Int, kernelWidth: Int
  public var stride: Int
  public var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int

  public init(
    channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int = 1,
    padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0
  ) {
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padTop = padTop
    self.padLeft = padLeft
    self.padBottom = padBottom
    self.padRight = padRight
  }

  /// Output height; ≤ 0 when the kernel does not fit.
  public var outputHeight: Int { (height + padTop + padBottom - kernelHeight) / stride + 1 }
  /// Output width; ≤ 0 when the kernel does not fit.
  public var outputWidth: Int { (width + padLeft + padRight - kernelWidth) / stride + 1 }
  /// Rows of the im2col matrix: C·kh·kw.
  var patchSize: Int { channels * kernelHeight * kernelWidth }
  /// Columns of the im2col matrix per image: Ho·Wo.
  var outputPixels: Int { outputHeight * outputWidth }

  /// The output columns `ow` whose input column `ow·stride − padLeft + kj` lies inside the image.
  @inline(__always)
  func validColumns(_ kj: Int) -> Range<Int> {
    let offset = kj - padLeft  // iw = ow·s + offset
    let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let lastInput = width - 1 - offset
    let high = lastInput < 0 ? 0 : Swift.min(outputWidth, lastInput / stride + 1)
    return low..<Swift.max(low, high)
  }

  /// Writes the patches of one image `x` `[C, H, W]` as columns `colOffset..<colOffset + Ho·Wo` of the row-major
  /// matrix `cols` (C·kh·kw rows, row stride `ld`); padding reads as zero.
  func im2col(_ x: UnsafePointer<Float>, into cols: UnsafeMutablePointer<Float>, ld: Int, colOffset: Int) {
    let (ho, wo, s) = (outputHeight, outputWidth, stride)
    for c in 0..<channels {
      for ki in 0..<kernelHeight {
        for kj in 0..<kernelWidth {
          let row = (c &* kernelHeight &+ ki) &* kernelWidth &+ kj
          let dst = cols + (row &* ld &+ colOffset)
          let valid = validColumns(kj)
          let offset = kj &- padLeft
          for oh in 0..<ho {
            let ih = oh &* s &- padTop &+ ki
            let out = dst + oh &* wo
            if ih < 0 || ih >= height {
              out.initialize(repeating: 0, count: wo)
              continue
            }
            let src = x + ((c &* height &+ ih) &* width &+ offset)
            for ow in 0..<valid.lowerBound { out[ow] = 0 }
            if s == 1 {
              (out + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
            } else {
              for ow in valid { out[ow] = src[ow &* s] }
            }
            for ow in valid.upperBound..<wo { out[ow] = 0 }
          }
        }
      }
    }
  }

  /// Adds columns `colOffset..<colOffset + Ho·Wo` of `cols` back onto the image gradient `dx` `[C, H, W]`
  /// (the adjoint of `im2col`; padding positions are dropped).
  func col2im(_ cols: UnsafePointer<Float>, ld: Int, colOffset: Int, into dx: UnsafeMutablePointer<Float>) {
    let (ho, wo, s) = (outputHeight, outputWidth, stride)
    for c in 0..<channels {
      for ki in 0..<kernelHeight {
        for kj in 0..<kernelWidth {
          let row = (c &* kernelHeight &+ ki) &* kernelWidth &+ kj
          let src = cols + (row &* ld &+ colOffset)
          let valid = validColumns(kj)
          let offset = kj &- padLeft
          for oh in 0..<ho {
            let ih = oh &* s &- padTop &+ ki
            if ih < 0 || ih >= height { continue }
            let dst = dx + ((c &* height &+ ih) &* width &+ offset)
            let col = src + oh &* wo
            if s == 1 {
              for ow in valid { dst[ow] += col[ow] }
            } else {
              for ow in valid { dst[ow &* s] += col[ow] }
            }
          }
        }
      }
    }
  }
}
