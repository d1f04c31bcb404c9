import Dispatch
import Foundation
import Synchronization

/// Process-wide threading settings for the numeric kernels.
@_spi(Benchmarks) public enum Parallelism {
  private static let limit = Atomic<Int>(0)

  /// The number of worker threads kernels may use: `ProcessInfo.activeProcessorCount` unless lowered by
  /// `setMaximumThreads(_:)` (benchmarks compare 1 and 2 threads this way).
  package static var maximumThreads: Int {
    let configured = limit.load(ordering: .relaxed)
    return configured > 0 ? min(configured, cores) : cores
  }

  /// `activeProcessorCount`, read once: on Linux each read parses cgroup files (~20 µs), which per call made
  /// threaded GEMMs below ~200³ slower than single-threaded ones.
  private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// Caps the worker threads; `0` restores the default (all active cores).
  @_spi(Benchmarks) public static func setMaximumThreads(_ count: Int) {
    limit.store(max(0, count), ordering: .relaxed)
  }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one chunk per worker thread.
///
/// The one place the package creates parallelism (docs/architecture.md): `DispatchQueue.concurrentPerform` with at most
/// `Parallelism.maximumThreads` chunks. Calls from inside a `parallelFor` body run serially (never nested).
/// - Parameters:
///   - count: the number of iterations.
///   - minimumChunk: the fewest iterations worth a thread of their own; small loops stay on the caller's thread.
///   - body: receives a half-open range of iteration indices; ranges are disjoint and cover `0..<count`.
package func parallelFor(
  _ count: Int, minimumChunk: Int = 1, _ body: @Sendable (Range<Int>) -> Void
) {
  guard count > 0 else { return }
  let threads = ParallelForState.isInsideWorker ? 1 : Parallelism.maximumThreads
  let chunks = max(1, min(threads, count / max(1, minimumChunk)))
  if chunks == 1 {
    body(0..<count)
    return
  }
  DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
    let lower = count * chunk / chunks
    let upper = count * (chunk + 1) / chunks
    ParallelForState.$isInsideWorker.withValue(true) {
      body(lower..<upper)
    }
  }
}

enum ParallelForState {
  @TaskLocal static var isInsideWorker = false
}

/// A raw pointer that may cross into `parallelFor` bodies. The caller guarantees that the chunks write disjoint
/// elements and that the memory outlives the loop. The only `@unchecked Sendable` in the package (docs/architecture.md, Conventions §3).
///
/// Public (under the `Kernels` SPI) and `@frozen` only so that its accessors inline into sibling modules' hot loops:
/// as `@inlinable package` members they were called out of line, through generic value witnesses, from every other
/// module (the binary's disassembly showed it; Adam's update spent most of its time there).
@_spi(Kernels) @frozen public struct SendablePointer<Element>: @unchecked Sendable {
  /// The first element.
  public let base: UnsafeMutablePointer<Element>
  /// Wraps a mutable pointer.
  @inlinable public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
  /// Wraps a read-only pointer (the caller only reads through it).
  @inlinable public init(_ base: UnsafePointer<Element>) { self.base = UnsafeMutablePointer(mutating: base) }
  /// Element `index` (no bounds check).
  @inlinable public subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }
}
