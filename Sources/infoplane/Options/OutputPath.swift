import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Checks an output location given by an option before any work starts, so that a run does not fail after an hour
/// on a path it could never write: exit status 2 with the option, the path and what is wrong.
enum OutputPath {
  /// `path` (given as `option`) can be a directory this process writes into: it is one, or can be created.
  /// - Throws: `ValidationError` naming the option, the path and the problem.
  static func checkDirectory(_ path: String, option: String) throws {
    var flag: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &flag) {
      guard flag.boolValue else {
        throw ValidationError("\(option) \(path) is a file (or a device), not a directory; choose a directory.")
      }
      guard access(path, W_OK | X_OK) == 0 else {
        throw ValidationError("\(option) \(path): no permission to write into this directory.")
      }
      return
    }
    try checkAncestor(of: path, option: option)
  }

  /// `path` (given as `option`) can be written as a file: it is not a directory, and its folder exists or can be
  /// created.
  /// - Throws: `ValidationError` naming the option, the path and the problem.
  static func checkFile(_ path: String, option: String) throws {
    var flag: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &flag) {
      guard !flag.boolValue else { throw ValidationError("\(option) \(path) is a directory; give a file name.") }
      // A file is written to a temporary name and renamed over the target: a device (/dev/null), pipe or socket
      // would be replaced by a regular file, so they are refused.
      var info = stat()
      if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
        throw ValidationError(
          "\(option) \(path) is a device, pipe or socket, not a regular file; give the name of a file to write.")
      }
    }
    // Its folder must be (or can become) a writable directory.
    try checkDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path, option: "\(option) \(path):")
  }

  /// The nearest existing ancestor of `path` is a writable directory.
  private static func checkAncestor(of path: String, option: String) throws {
    var ancestor = URL(fileURLWithPath: path).standardizedFileURL
    while !FileManager.default.fileExists(atPath: ancestor.path), ancestor.path != "/" {
      ancestor.deleteLastPathComponent()
    }
    var flag: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &flag)
    guard flag.boolValue else {
      throw ValidationError("\(option) \(path): \(ancestor.path) is a file, so no directory can be made under it.")
    }
    guard access(ancestor.path, W_OK | X_OK) == 0 else {
      throw ValidationError("\(option) \(path): no permission to create it in \(ancestor.path).")
    }
  }
}
