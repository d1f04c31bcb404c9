import Synchronization

/// Packing buffers for the SGEMM driver, reused across calls so that steady-state GEMMs allocate nothing.
///
/// Each running part of a GEMM (one per thread) takes a buffer from the pool and returns it when done. The pool
/// grows only to the largest number of parts that ever ran at once, and a buffer only grows, so a training loop that
/// repeats the same shapes stops allocating after its first step. Buffers are 64-byte aligned and never freed.
enum GEMMWorkspace {
  private static let pool = Mutex<[(buffer: SendablePointer<Float>, capacity: Int)]>([])

  /// A buffer of at least `count` floats, exclusively the caller's until `release`.
  static func acquire(count: Int) -> (buffer: SendablePointer<Float>, capacity: Int) {
    let taken = pool.withLock { $0.popLast() }
    if let taken, taken.capacity >= count { return taken }
    if let taken { UnsafeMutableRawPointer(taken.buffer.base).deallocate() }
    let capacity = max(count, 1) + 64  // slack so that buffers growing by a few floats are not reallocated
    let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
    return (SendablePointer(raw.bindMemory(to: Float.self, capacity: capacity)), capacity)
  }

  /// Returns a buffer from `acquire` to the pool.
  static func release(_ workspace: (buffer: SendablePointer<Float>, capacity: Int)) {
    pool.withLock { $0.append(workspace) }
  }
}
