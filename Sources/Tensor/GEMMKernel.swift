import CKernels

/// A register-tiled SGEMM micro-kernel from CKernels and its MR×NR tile shape.
///
/// Chosen once per process from the CPU's instruction sets (`ck_isa_level`): AVX-512F 8×48, AVX2+FMA 6×16, or the
/// portable 6×8 kernel. Tests run the driver with every kernel this CPU can execute.
struct GEMMKernel: Sendable {
  /// Rows of the register tile; packed A micro-panels hold `mr` rows.
  let mr: Int
  /// Columns of the register tile; packed B micro-panels hold `nr` columns.
  let nr: Int
  /// The instruction-set level (0 portable, 1 AVX2+FMA, 2 AVX-512F).
  let isa: Int
  /// Computes one tile: see `ck_sgemm_kernel_fn` in ck_gemm.h.
  let function:
    @convention(c) (
      Int, UnsafePointer<Float>?, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?, Int, Float, Float, Int, Int
    ) -> Void

  /// The kernel for instruction-set level `isa`, capped at what this build and CPU support.
  init(isa: Int) {
    let info = ck_sgemm_select(Int32(min(isa, Int(ck_isa_level()))))
    mr = Int(info.mr)
    nr = Int(info.nr)
    self.isa = Int(info.isa)
    function = info.kernel
  }

  /// The fastest kernel this CPU runs.
  static let best = GEMMKernel(isa: Int(ck_isa_level()))

  /// Every kernel this CPU runs, fastest last (for tests).
  static var available: [GEMMKernel] { (0...Int(ck_isa_level())).map { GEMMKernel(isa: $0) } }
}

/// The SGEMM micro-kernel this process uses, e.g. "AVX-512F 8×48" (for benchmark and run reports).
@_spi(Benchmarks) public var sgemmKernelDescription: String {
  let kernel = GEMMKernel.best
  let name = ["portable", "AVX2+FMA", "AVX-512F"][kernel.isa]
  return "\(name) \(kernel.mr)×\(kernel.nr)"
}
