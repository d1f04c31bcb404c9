import CZlib

/// gzip compression through the system zlib (RFC 1952), for `.gz` dataset files such as MNIST's.
enum Gzip {
  /// Whether `raw` starts with the gzip signature 1f 8b.
  static func isCompressed(_ raw: UnsafeRawBufferPointer) -> Bool {
    raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B
  }

  /// The inflated bytes of every gzip member in `raw` (zlib detects the gzip header: `windowBits` 15 + 32).
  ///
  /// Memory grows with the bytes actually inflated, never with a size a header claims; and with `declaredSize`
  /// (the size the inflated file's own header declares, once its first bytes are there; nil while too few are) it
  /// stops as soon as the output outgrows that, so a small file that inflates to gigabytes (a "gzip bomb") costs
  /// no more memory than the declared size.
  /// - Throws: `DatasetsError.corruptGzip` naming `file` for bad data, a bad checksum, a truncated stream, or more
  ///   data than declared.
  static func decompress(
    _ raw: UnsafeRawBufferPointer, file: String, declaredSize: (([UInt8]) -> Int?)? = nil
  ) throws -> [UInt8] {
    guard let base = raw.baseAddress, !raw.isEmpty else {
      throw DatasetsError.corruptGzip(file: file, reason: "the file is empty")
    }
    var stream = z_stream()
    let initStatus = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw DatasetsError.corruptGzip(file: file, reason: "zlib could not start (inflateInit2 returned \(initStatus))")
    }
    defer { inflateEnd(&stream) }
    let input = base.assumingMemoryBound(to: UInt8.self)
    var consumed = 0  // bytes of `raw` handed to zlib so far
    var out: [UInt8] = []
    out.reserveCapacity(min(raw.count &* 4, 1 << 28))
    var scratch = [UInt8](repeating: 0, count: 1 << 20)
    // The size the header declares, read once the inflated bytes hold the whole header (a header does not change as
    // more data arrive, so it is not parsed again for every chunk).
    var limit: Int?
    while true {
      if stream.avail_in == 0 && consumed < raw.count {
        let piece = min(raw.count - consumed, Int(UInt32.max))
        stream.next_in = UnsafeMutablePointer(mutating: input + consumed)
        stream.avail_in = uInt(piece)
        consumed += piece
      }
      let (status, produced) = scratch.withUnsafeMutableBufferPointer { buffer in
        stream.next_out = buffer.baseAddress
        stream.avail_out = uInt(buffer.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        return (status, buffer.count - Int(stream.avail_out))
      }
      out.append(contentsOf: scratch[0..<produced])
      if limit == nil, let declaredSize { limit = declaredSize(out) }
      if let limit, out.count > limit {
        throw DatasetsError.corruptGzip(
          file: file,
          reason: "it inflates to more than the \(limit) bytes its header declares (damaged, or a decompression bomb); "
            + "stopped after \(out.count) bytes")
      }
      switch status {
      case Z_OK:
        continue
      case Z_STREAM_END:
        let remaining = Int(stream.avail_in) + (raw.count - consumed)
        let next = raw.count - remaining
        if remaining == 0 || raw[next...].allSatisfy({ $0 == 0 }) { return out }
        guard remaining >= 2, raw[next] == 0x1F, raw[next + 1] == 0x8B else {
          throw DatasetsError.corruptGzip(
            file: file, reason: "\(remaining) bytes of non-gzip data follow the compressed stream")
        }
        inflateReset(&stream)  // the next gzip member
      case Z_BUF_ERROR where stream.avail_in == 0 && consumed == raw.count:
        throw DatasetsError.corruptGzip(file: file, reason: "the file ends inside the compressed stream (truncated)")
      case Z_BUF_ERROR:
        continue
      default:
        let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        throw DatasetsError.corruptGzip(file: file, reason: message)
      }
    }
  }

  /// `bytes` compressed as one gzip member (`windowBits` 15 + 16) at zlib `level` 0–9.
  /// - Throws: `DatasetsError.cannotEncode` naming `file` if zlib fails (out of memory).
  static func compress(_ bytes: [UInt8], level: Int32 = 6, file: String) throws -> [UInt8] {
    var stream = z_stream()
    let initStatus = deflateInit2_(
      &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw DatasetsError.cannotEncode(file: file, format: "gzip", reason: "zlib deflateInit2 returned \(initStatus)")
    }
    defer { deflateEnd(&stream) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count / 2 + 64)
    var scratch = [UInt8](repeating: 0, count: 1 << 20)
    try bytes.withUnsafeBufferPointer { input in
      var consumed = 0
      while true {
        if stream.avail_in == 0 && consumed < input.count, let base = input.baseAddress {
          let piece = min(input.count - consumed, Int(UInt32.max))
          stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
          stream.avail_in = uInt(piece)
          consumed += piece
        }
        let flush = consumed == input.count ? Z_FINISH : Z_NO_FLUSH
        let (status, produced) = scratch.withUnsafeMutableBufferPointer { buffer in
          stream.next_out = buffer.baseAddress
          stream.avail_out = uInt(buffer.count)
          let status = deflate(&stream, flush)
          return (status, buffer.count - Int(stream.avail_out))
        }
        out.append(contentsOf: scratch[0..<produced])
        if status == Z_STREAM_END { return }
        guard status == Z_OK || status == Z_BUF_ERROR else {
          throw DatasetsError.cannotEncode(file: file, format: "gzip", reason: "zlib deflate returned \(status)")
        }
      }
    }
    return out
  }
}
