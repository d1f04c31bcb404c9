import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failure of the file system (Foundation's errors for a path that cannot be read or written), said as the path
/// and what is wrong with it: the user's to fix, so exit status 2. `exitStatus(for:)` and `message(for:)` map every
/// such error, whichever command hit it.
struct FileSystemFailure: Error, CustomStringConvertible, UserInputError {
  /// The path concerned.
  let path: String
  /// What is wrong with it, as a clause ("a file is in the way: … is not a directory").
  let reason: String
  /// Whether reading (true) or writing failed.
  let reading: Bool

  var description: String { "Cannot \(reading ? "read" : "write") \(path): \(reason)." }

  /// The failure `error` describes, if it is one of Foundation's file errors with a path.
  init?(_ error: any Error) {
    let ns = error as NSError
    guard ns.domain == NSCocoaErrorDomain else { return nil }
    guard
      let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    else { return nil }
    let code = CocoaError.Code(rawValue: ns.code)
    let readCodes: [CocoaError.Code] = [
      .fileReadNoSuchFile, .fileReadNoPermission, .fileReadCorruptFile, .fileReadUnknown,
      .fileReadInapplicableStringEncoding, .fileReadTooLarge, .fileReadInvalidFileName, .fileNoSuchFile,
    ]
    let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError
    let errno = underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying!.code) : nil
    self.path = path
    self.reading = readCodes.contains(code)
    self.reason = Self.reason(code: code, errno: errno, path: path)
  }

  private static func reason(code: CocoaError.Code, errno: Int32?, path: String) -> String {
    if let errno {
      switch errno {
      case ENOTDIR: return "a part of the path is a file where a directory is needed\(Self.fileAncestor(of: path))"
      case EEXIST:
        return Self.isDirectory(path) ? "it already exists" : "a file is in the way where a directory is needed"
      case EACCES, EPERM: return "permission denied (\(Self.owner(of: path)))"
      case EROFS: return "the file system is read-only"
      case ENOSPC, EDQUOT: return "no space left on the device (or the disk quota is reached)"
      case ENOENT: return "no such file or directory"
      case EISDIR: return "it is a directory, not a file"
      case ENAMETOOLONG: return "the name is too long"
      default: return String(cString: strerror(errno))
      }
    }
    switch code {
    case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file or directory"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied (\(Self.owner(of: path)))"
    case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
      return "it is not UTF-8 text (a binary or damaged file?)"
    case .fileWriteFileExists:
      return Self.isDirectory(path) ? "it already exists" : "a file is in the way where a directory is needed"
    case .fileWriteVolumeReadOnly: return "the file system is read-only"
    case .fileWriteOutOfSpace: return "no space left on the device"
    case .fileWriteInvalidFileName, .fileReadInvalidFileName: return "the name is not a valid file name"
    case .fileReadTooLarge: return "the file is too large to read at once"
    default: return "the file system refused (\(code.rawValue))"
    }
  }

  private static func isDirectory(_ path: String) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
  }

  /// " (… is a file)" for the nearest existing ancestor of `path` that is not a directory, or "".
  private static func fileAncestor(of path: String) -> String {
    var url = URL(fileURLWithPath: path)
    while url.path != "/" {
      var flag: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &flag), !flag.boolValue {
        return ": \(url.path) is a file"
      }
      url.deleteLastPathComponent()
    }
    return ""
  }

  /// Who may write there: the nearest existing directory and its owner's uid, against ours.
  private static func owner(of path: String) -> String {
    var url = URL(fileURLWithPath: path)
    while !FileManager.default.fileExists(atPath: url.path), url.path != "/" { url.deleteLastPathComponent() }
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    let owner = (attributes?[.ownerAccountID] as? NSNumber)?.intValue
    return "\(url.path) belongs to uid \(owner.map(String.init) ?? "?"); this process runs as uid \(getuid())"
  }
}
