import Foundation

/// I(X;L) and I(L;Y) of one layer at one epoch, in nats, with standard errors and smoothed values (a row of `mi.csv`).
public struct LayerInformation: Sendable, Equatable, Codable {
  /// The epoch number (counted from 1 in `ib`; the NNNN of `epoch-NNNN` in `analyze`).
  public var epoch: Int
  /// The recorded layer's name (e.g. `layer3`; the file or tensor name in `analyze`).
  public var layer: String
  /// Î(X̃; L̃) in nats between the input codes and the layer's PCA codes; unclipped.
  public var ixl: Double
  /// Standard error of `ixl`, in nats.
  public var ixlStandardError: Double
  /// Î(L̃; Y) in nats between the layer's PCA codes and the class labels; unclipped.
  public var ily: Double
  /// Standard error of `ily`, in nats.
  public var ilyStandardError: Double
  /// `ixl` smoothed over the epochs recorded so far (docs/method.md §10.6); recomputed whenever an epoch is added.
  public var ixlSmoothed: Double
  /// `ily` smoothed the same way, in nats.
  public var ilySmoothed: Double
  /// Flags of the two estimates (`EstimateNote.flagName`, prefixed "I_XL:" or "I_LY:"), e.g. "I_LY:above-label-entropy";
  /// empty when both can be trusted. A `fallback` note of `auto` is kept as "I_XL:ksg-fallback" (not a flag).
  public var flags: [String]

  /// The flags that say an estimate cannot be trusted: `flags` without the fallback marker.
  public var untrustedFlags: [String] { flags.filter { !$0.hasSuffix("-fallback") } }

  /// Whether I(X;L) is flagged (a fallback alone is not).
  public var ixlFlagged: Bool { untrustedFlags.contains { $0.hasPrefix("I_XL:") } }
  /// Whether I(L;Y) is flagged (a fallback alone is not).
  public var ilyFlagged: Bool { untrustedFlags.contains { $0.hasPrefix("I_LY:") } }
  /// Whether I(X;L) is KSG's estimate because `auto`'s WKL estimate was flagged, negative or failed.
  public var isKSGFallback: Bool { flags.contains("I_XL:ksg-fallback") }

  /// A row from its values, all in nats; the smoothed values default to NaN until `LayerAnalysis.smooth` fills them.
  public init(
    epoch: Int, layer: String, ixl: Double, ixlStandardError: Double, ily: Double, ilyStandardError: Double,
    ixlSmoothed: Double = .nan, ilySmoothed: Double = .nan, flags: [String] = []
  ) {
    self.flags = flags
    self.epoch = epoch
    self.layer = layer
    self.ixl = ixl
    self.ixlStandardError = ixlStandardError
    self.ily = ily
    self.ilyStandardError = ilyStandardError
    self.ixlSmoothed = ixlSmoothed
    self.ilySmoothed = ilySmoothed
  }

  static let header = [
    "epoch", "layer", "I_XL", "I_XL_se", "I_LY", "I_LY_se", "I_XL_smoothed", "I_LY_smoothed", "flags",
  ]
  /// The header of runs written before the flags column (read unchanged, without flags).
  static let headerWithoutFlags = Array(header.dropLast())
  var fields: [String] {
    [String(epoch), layer] + [ixl, ixlStandardError, ily, ilyStandardError, ixlSmoothed, ilySmoothed].map(csvNumber)
      + [flags.joined(separator: " ")]
  }
  init(fields: [String]) throws {
    guard fields.count == Self.header.count || fields.count == Self.headerWithoutFlags.count, let epoch = Int(fields[0])
    else { throw InformationPlaneError.corruptTable("mi.csv") }
    let v = try fields[2..<8].map { try parseNumber($0, table: "mi.csv") }
    let flags = fields.count == Self.header.count ? fields[8].split(separator: " ").map(String.init) : []
    self.init(
      epoch: epoch, layer: fields[1], ixl: v[0], ixlStandardError: v[1], ily: v[2], ilyStandardError: v[3],
      ixlSmoothed: v[4], ilySmoothed: v[5], flags: flags)
  }
}
