import CKernels

/// Process-wide settings of the C allocator for training, where every step frees and re-allocates tensors of
/// megabytes.
///
/// glibc by default returns such blocks to the kernel (mmap/munmap, heap trimming), so the next step page-faults
/// and zero-fills them again: measured on ResNet-20 at batch 128 (2 threads), keeping them in the heap raised
/// training from 145 to 154–163 images/s and the probed forward pass from 1.37 s to 1.12 s (resnet-bench, two
/// interleaved runs each). Elsewhere (macOS) nothing is changed.
@_spi(Benchmarks) public enum HeapTuning {
  /// Blocks up to 32 MiB come from the heap (glibc's ceiling for this setting), and up to 1 GiB of freed heap stays
  /// mapped; the heap grows in 256 MiB steps. Call once at process start, before threads allocate.
  /// - Returns: true when the allocator took all three settings (glibc); false elsewhere.
  @discardableResult @_spi(Benchmarks) public static func keepFreedBlocks() -> Bool {
    ck_keep_freed_blocks() == 3
  }
}
