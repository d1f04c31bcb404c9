import Foundation
import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file read by position (pread), so that one array of a multi-gigabyte file can be converted to Float32 chunk by
/// chunk without the file's bytes ever being in memory as a whole.
package final class StreamedFile {
  package let path: String
  package let size: Int
  private let descriptor: Int32

  /// Opens `url` for reading.
  /// - Throws: `DatasetsError.fileNotFound`, or `.ioFailure` for a directory or an unreadable file.
  package init(_ url: URL) throws {
    path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(file: path)
    }
    guard !isDirectory.boolValue else {
      throw DatasetsError.ioFailure(file: path, reason: "is a directory; pass a file")
    }
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw DatasetsError.ioFailure(
        file: path, reason: "cannot read the file (\(String(cString: strerror(errno)))); check its permissions")
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      close(descriptor)
      throw DatasetsError.ioFailure(file: path, reason: "cannot read its size (\(String(cString: strerror(errno))))")
    }
    size = Int(status.st_size)
  }

  deinit { close(descriptor) }

  /// `count` bytes from byte `offset` into `destination`.
  private func read(into destination: UnsafeMutableRawPointer, at offset: Int, count: Int) throws {
    var done = 0
    while done < count {
      let n = pread(descriptor, destination + done, count - done, off_t(offset + done))
      if n < 0, errno == EINTR { continue }
      guard n > 0 else {
        throw DatasetsError.ioFailure(
          file: path,
          reason:
            "reading failed at byte \(offset + done) (\(n == 0 ? "unexpected end" : String(cString: strerror(errno))))")
      }
      done += n
    }
  }

  /// `count` bytes from byte `offset`.
  func bytes(at offset: Int, count: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    try out.withUnsafeMutableBytes { try read(into: $0.baseAddress!, at: offset, count: count) }
    return out
  }

  /// `count` little-endian elements of `dtype` from byte `offset`, converted to Float32 as `NPYArray.tensor()`
  /// does: float32 is read straight into the result, other types through an 8 MiB buffer.
  package func floats(at offset: Int, count: Int, dtype: NPYArray.DType) throws -> [Float] {
    var failure: (any Error)?
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else {
        initialized = 0
        return
      }
      do {
        if dtype == .float32 {
          try read(into: base, at: offset, count: count * 4)
        } else {
          let chunk = max(1, (8 << 20) / dtype.byteCount)
          var start = 0
          while start < count {
            let n = min(chunk, count - start)
            let raw = try bytes(at: offset + start * dtype.byteCount, count: n * dtype.byteCount)
            let part = raw.withUnsafeBytes {
              NPYArray(shape: [n], storage: .decode(dtype, count: n, from: $0, order: .little)).tensor().scalars
            }
            (base + start).initialize(from: part, count: n)
            start += n
          }
        }
      } catch {
        failure = error
        base.initialize(repeating: 0, count: count)
      }
      initialized = count
    }
    if let failure { throw failure }
    return values
  }
}
