import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading whole files and writing them atomically, with errors that name the file.
enum DatasetFile {
  /// The bytes of the file at `url`.
  /// - Throws: `DatasetsError.fileNotFound`, or `.ioFailure` for a directory or an unreadable file.
  static func read(_ url: URL) throws -> Data {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DatasetsError.fileNotFound(file: path)
    }
    guard !isDirectory.boolValue else {
      throw DatasetsError.ioFailure(file: path, reason: "is a directory; pass a file")
    }
    do {
      return try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw DatasetsError.ioFailure(
        file: path, reason: "cannot read the file (\(error.localizedDescription)); check its permissions")
    }
  }

  /// Writes `bytes` to `url` atomically: into a temporary file in the same directory, flushed to disk, then renamed
  /// over `url`. A reader sees the old file or the whole new one, never a partial write, even if the process dies.
  /// - Throws: `DatasetsError.ioFailure` naming the step that failed; the temporary file is removed.
  static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + "." + UUID().uuidString + ".tmp"
    func failure(_ what: String) -> DatasetsError {
      let cause = String(cString: strerror(errno))
      return .ioFailure(
        file: path, reason: "\(what) failed (\(cause)); check that \(directory) exists and is writable")
    }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw failure("creating a temporary file") }
    var renamed = false
    defer { if !renamed { unlink(temporary) } }
    var written = 0
    let writeError: DatasetsError? = bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let n = write(descriptor, raw.baseAddress! + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          return failure("writing")
        }
        written += n
      }
      return nil
    }
    if let writeError {
      close(descriptor)
      throw writeError
    }
    guard fsync(descriptor) == 0 else {
      let error = failure("flushing to disk")
      close(descriptor)
      throw error
    }
    guard close(descriptor) == 0 else { throw failure("closing") }
    guard rename(temporary, path) == 0 else { throw failure("renaming the temporary file") }
    renamed = true
    // Make the rename itself durable; failure here does not lose data, so it is not an error.
    let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
      _ = fsync(directoryDescriptor)
      close(directoryDescriptor)
    }
  }
}
