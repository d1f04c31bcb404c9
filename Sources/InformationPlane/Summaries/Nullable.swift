/// A value JSON always shows: the value, or `null` when it is absent (synthesized `Encodable` leaves nil optionals
/// out, but our `--json` outputs keep every key).
package struct Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
  package var value: Wrapped?

  package init(_ value: Wrapped?) { self.value = value }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let value { try container.encode(value) } else { try container.encodeNil() }
  }
}

extension Nullable where Wrapped == Double {
  /// A number, or `null` for NaN and ±Inf, which JSON cannot hold.
  package init(finite value: Double) { self.init(value.isFinite ? value : nil) }
}
