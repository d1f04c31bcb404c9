/// Byte order of the elements in a file: `.npy` and safetensors are little-endian, IDX is big-endian.
enum ByteOrder: Sendable {
  case little, big

  /// Whether elements in this order must be byte-swapped on the machine running the code.
  var needsSwap: Bool {
    #if _endian(little)
      self == .big
    #else
      self == .little
    #endif
  }
}

extension NPYArray.Storage {
  /// Decodes `count` elements of `dtype` from the start of `bytes`, which must hold at least
  /// `count · dtype.byteCount` bytes (the caller checks this against the file length). Bool: non-zero is true.
  static func decode(
    _ dtype: NPYArray.DType, count: Int, from bytes: UnsafeRawBufferPointer, order: ByteOrder
  ) -> NPYArray.Storage {
    precondition(bytes.count >= count * dtype.byteCount, "decode needs \(count) × \(dtype) in \(bytes.count) bytes")
    let swap = order.needsSwap
    switch dtype {
    case .float32: return .float32(loadInts(UInt32.self, count, bytes, swap).map(Float.init(bitPattern:)))
    case .float64: return .float64(loadInts(UInt64.self, count, bytes, swap).map(Double.init(bitPattern:)))
    case .int8: return .int8(loadInts(Int8.self, count, bytes, false))
    case .int16: return .int16(loadInts(Int16.self, count, bytes, swap))
    case .int32: return .int32(loadInts(Int32.self, count, bytes, swap))
    case .int64: return .int64(loadInts(Int64.self, count, bytes, swap))
    case .uint8: return .uint8(loadInts(UInt8.self, count, bytes, false))
    case .bool: return .bool(loadInts(UInt8.self, count, bytes, false).map { $0 != 0 })
    }
  }

  /// Appends the elements to `out` in `order` (bool as one byte, 0 or 1).
  func encode(into out: inout [UInt8], order: ByteOrder) {
    let swap = order.needsSwap
    switch self {
    case let .float32(v): storeInts(v.map(\.bitPattern), swap, &out)
    case let .float64(v): storeInts(v.map(\.bitPattern), swap, &out)
    case let .int8(v): storeInts(v, false, &out)
    case let .int16(v): storeInts(v, swap, &out)
    case let .int32(v): storeInts(v, swap, &out)
    case let .int64(v): storeInts(v, swap, &out)
    case let .uint8(v): out.append(contentsOf: v)
    case let .bool(v): out.append(contentsOf: v.map { $0 ? 1 : 0 })
    }
  }
}

/// `count` integers of type `T` read from `bytes` (unaligned), byte-swapped if `swap`.
private func loadInts<T: FixedWidthInteger>(
  _: T.Type, _ count: Int, _ bytes: UnsafeRawBufferPointer, _ swap: Bool
) -> [T] {
  [T](unsafeUninitializedCapacity: count) { buffer, initialized in
    let size = MemoryLayout<T>.size
    if swap {
      for i in 0..<count { buffer[i] = bytes.loadUnaligned(fromByteOffset: i &* size, as: T.self).byteSwapped }
    } else if count > 0, let source = bytes.baseAddress, let target = buffer.baseAddress {
      UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count &* size)
    }
    initialized = count
  }
}

/// Appends the bytes of `values`, each byte-swapped if `swap`.
private func storeInts<T: FixedWidthInteger>(_ values: [T], _ swap: Bool, _ out: inout [UInt8]) {
  if swap {
    values.map(\.byteSwapped).withUnsafeBytes { out.append(contentsOf: $0) }
  } else {
    values.withUnsafeBytes { out.append(contentsOf: $0) }
  }
}
