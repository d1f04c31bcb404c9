import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive advisory lock on a run directory (`RUN/.lock`, `flock(2)`): held by the process that runs a sweep
/// point, released by the kernel when that process ends in any way (exit, crash, SIGKILL). Two processes never run
/// the same point at once, and a lock that can be taken tells that nobody is running it.
package final class RunLock {
  private let descriptor: Int32

  /// The lock file of the run in `directory`.
  package static func url(in directory: URL) -> URL { directory.appendingPathComponent(".lock") }

  /// Takes the lock of the run in `directory`, waiting for its holder to finish when `wait`, or returning nil at
  /// once when another process holds it.
  /// - Throws: `InformationPlaneError.ioFailure` when the lock file cannot be opened.
  package init?(directory: URL, wait: Bool) throws {
    let path = Self.url(in: directory).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw InformationPlaneError.ioFailure("Cannot open the lock file \(path): \(String(cString: strerror(errno))).")
    }
    while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
      if errno == EINTR { continue }
      close(fd)
      if errno == EWOULDBLOCK { return nil }
      throw InformationPlaneError.ioFailure("Cannot lock \(path): \(String(cString: strerror(errno))).")
    }
    descriptor = fd
  }

  /// Whether some process holds the lock of the run in `directory` now.
  package static func isHeld(in directory: URL) -> Bool {
    guard FileManager.default.fileExists(atPath: url(in: directory).path) else { return false }
    guard let lock = try? RunLock(directory: directory, wait: false) else { return true }
    lock.release()
    return false
  }

  private var released = false

  /// Releases the lock (also done when the object goes away).
  package func release() {
    guard !released else { return }
    released = true
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }

  deinit { release() }
}
