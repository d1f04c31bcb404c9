import Foundation

/// One point of a sweep: one `ib` run, its settings on the grid's axes and its full `ib` arguments.
public struct SweepPoint: Sendable, Equatable, Codable {
  /// One axis' value at this point.
  public struct Setting: Sendable, Equatable, Codable {
    /// The `ib` option, with its dashes (`--noise`).
    public var option: String
    /// Its value at this point, as given on the command line.
    public var value: String

    /// The option and its value.
    public init(option: String, value: String) {
      self.option = option
      self.value = value
    }

    /// `noise=0.01`: the option without dashes, `=`, the value.
    public var label: String { option.drop { $0 == "-" } + "=" + value }
  }

  /// 0-based position in the grid; the Slurm array task id.
  public var index: Int
  /// The value of every axis of the grid at this point, in the grid's order.
  public var settings: [Setting]
  /// The `ib` arguments of this point, without `--out`.
  public var arguments: [String]

  /// The point from its position, settings and arguments.
  public init(index: Int, settings: [Setting], arguments: [String]) {
    self.index = index
    self.settings = settings
    self.arguments = arguments
  }

  /// The run directory's name under `SWEEP/runs/`: the index (3 digits or more) and the settings,
  /// e.g. `004_seed=4_noise=0.01`. Characters that are awkward in paths become `-`.
  public var name: String {
    let digits = String(format: "%03d", index)
    let parts = settings.map { setting in
      String(setting.label.map { "/\\ :*?\"'<>|".contains($0) ? "-" : $0 })
    }
    return ([digits] + parts).joined(separator: "_")
  }

  /// The settings without `--seed`: what tells this point's group of replicates from the others ("all" when the
  /// grid varies the seed only).
  public var groupLabel: String {
    let labels = settings.filter { $0.option != "--seed" }.map(\.label)
    return labels.isEmpty ? "all" : labels.joined(separator: ", ")
  }
}
