@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The recorded layers of one evaluation pass, appended batch by batch and taken out one layer at a time, so that an
/// epoch never holds every layer's outputs at once (docs/method.md §6.4 refits PCA on a layer's whole output, so
/// each layer is still needed whole, but only one at a time).
///
/// A layer whose `rows` outputs take more than `memoryLimit` bytes is written to a scratch file in `directory`
/// (removed when taken or when the spool is discarded); smaller layers stay in memory.
final class ProbeSpool {
  private enum Storage {
    case memory([Float])
    case file(descriptor: Int32, path: String)
  }

  private struct Layer {
    var sampleShape: [Int]
    var storage: Storage
    var rowsWritten: Int
  }

  let directory: URL
  let rows: Int
  let memoryLimit: Int
  private var layers: [String: Layer] = [:]

  /// A spool for the first `rows` samples of each layer; scratch files go to `directory` (created when needed).
  init(directory: URL, rows: Int, memoryLimit: Int = 256 << 20) {
    self.directory = directory
    self.rows = rows
    self.memoryLimit = memoryLimit
  }

  deinit {
    for layer in layers.values {
      if case let .file(descriptor, path) = layer.storage { close(descriptor); unlink(path) }
    }
  }

  /// Appends the rows of `batch` `[b, …]` that start at sample `start` and fall before `rows`.
  /// - Throws: `InformationPlaneError.ioFailure` when the scratch file cannot be written.
  func append(_ name: String, _ batch: Tensor, start: Int) throws {
    let sampleShape = Array(batch.shape.dropFirst())
    let width = sampleShape.reduce(1, *)
    let count = min(batch.shape.first ?? 0, rows - start)
    guard count > 0 else { return }
    if layers[name] == nil {
      let bytes = rows * width * MemoryLayout<Float>.size
      if bytes > memoryLimit {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(name).\(getpid()).f32").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("creating", path) }
        layers[name] = Layer(
          sampleShape: sampleShape, storage: .file(descriptor: descriptor, path: path), rowsWritten: 0)
      } else {
        var values: [Float] = []
        values.reserveCapacity(rows * width)
        layers[name] = Layer(sampleShape: sampleShape, storage: .memory(values), rowsWritten: 0)
      }
    }
    guard var layer = layers.removeValue(forKey: name) else { return }
    precondition(layer.sampleShape == sampleShape && layer.rowsWritten == start, "batches must arrive in order")
    switch layer.storage {
    case var .memory(values):
      layer.storage = .memory([])  // keeps `values` uniquely referenced while it grows
      values.append(contentsOf: batch.scalars[0..<(count * width)])
      layer.storage = .memory(values)
    case let .file(descriptor, path):
      try batch.scalars.withUnsafeBytes { raw in
        var offset = 0
        let total = count * width * MemoryLayout<Float>.size
        while offset < total {
          let n = write(descriptor, raw.baseAddress! + offset, total - offset)
          if n < 0, errno == EINTR { continue }
          guard n > 0 else { throw failure("writing", path) }
          offset += n
        }
      }
    }
    layer.rowsWritten += count
    layers[name] = layer
  }

  /// The layer's `[rows, …]` outputs, removed from the spool (its scratch file deleted).
  /// - Throws: `DatasetsError.ioFailure` naming the scratch file when it cannot be read back.
  func take(_ name: String) throws -> Tensor? {
    guard let layer = layers.removeValue(forKey: name) else { return nil }
    let shape = [layer.rowsWritten] + layer.sampleShape
    switch layer.storage {
    case let .memory(values):
      return Tensor(shape: shape, scalars: values)
    case let .file(descriptor, path):
      close(descriptor)
      defer { unlink(path) }
      let file = try StreamedFile(URL(fileURLWithPath: path))
      return Tensor(shape: shape, scalars: try file.floats(at: 0, count: shape.reduce(1, *), dtype: .float32))
    }
  }

  private func failure(_ what: String, _ path: String) -> InformationPlaneError {
    .ioFailure("\(what) the scratch file \(path) failed (\(String(cString: strerror(errno)))); check the free space")
  }
}
