import Synchronization
import Tensor

/// How `Variable.conv2d` computes a convolution.
///
/// `automatic` (the default) runs the direct kernels (`DirectConvolution`) for every stride-1 convolution whose
/// padding is below the kernel size, and im2col + GEMM for the rest (strided convolutions). The process-wide choice
/// exists for benchmarks and tests that compare the two; results agree to float rounding.
@_spi(Benchmarks) public enum ConvolutionAlgorithm: Int, Sendable, CaseIterable {
  case automatic = 0
  case im2col = 1
  case direct = 2

  private static let setting = Atomic<Int>(0)

  /// The algorithm `conv2d` uses from now on, in every thread.
  @_spi(Benchmarks) public static var current: ConvolutionAlgorithm {
    get { ConvolutionAlgorithm(rawValue: setting.load(ordering: .relaxed)) ?? .automatic }
    set { setting.store(newValue.rawValue, ordering: .relaxed) }
  }

  /// The direct kernels for `geometry` when this algorithm uses them; nil means im2col + GEMM.
  func directConvolution(geometry: ConvolutionGeometry, outChannels: Int) -> DirectConvolution? {
    switch self {
    case .im2col: nil
    case .automatic, .direct: DirectConvolution(geometry: geometry, outChannels: outChannels)
    }
  }
}
