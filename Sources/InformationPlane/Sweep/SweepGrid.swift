import Foundation

/// A grid over `infoplane ib` options: every option has one value, several (a list `a,b,c` or an integer range
/// `m..n`, both ends included), or none (a flag). Its points are the Cartesian product of the options with several
/// values, in the order the options were given, the last one varying fastest.
///
/// `--seed 0..4 --noise 1e-3,1e-2 --epochs 20` has 10 points: seeds 0–4 at σ = 1e-3, then seeds 0–4 at 1e-2.
public struct SweepGrid: Sendable, Equatable, Codable {
  /// One `ib` option of the grid.
  public struct Option: Sendable, Equatable, Codable {
    /// The option as `ib` spells it, with its dashes: `--seed`, `-k`.
    public var name: String
    /// Its values in order; empty for a flag (`--no-whiten`), one for a fixed setting, several for an axis.
    public var values: [String]

    /// `name` with its values.
    public init(name: String, values: [String]) {
      self.name = name
      self.values = values
    }
  }

  /// The options in the order given.
  public var options: [Option]

  /// Options the sweep sets itself for every point, or that make no sense inside one.
  public static let reservedOptions: [String: String] = [
    "--out": "every point's run directory is SWEEP/runs/NAME; give the sweep's directory with the sweep's --out",
    "-o": "every point's run directory is SWEEP/runs/NAME; give the sweep's directory with the sweep's --out",
    "--resume": "a sweep resumes interrupted points by itself: run the same sweep command again",
    "--threads":
      "the sweep sets each point's threads (the sweep's --threads divided by --jobs; Slurm's --cpus-per-task)",
    "--json": "give --json to the sweep command, not to its points",
    "--quiet": "give --quiet to the sweep command, not to its points",
    "--help": "see `infoplane ib --help` for the options a sweep can vary",
    "-h": "see `infoplane ib --help` for the options a sweep can vary",
  ]

  /// Options whose values are paths, never split at commas.
  static let pathOptions: Set<String> = ["--data-dir"]

  /// The grid from `ib`'s arguments with lists and ranges as values.
  /// - Throws: `InformationPlaneError.invalidSweep` naming the argument: a value without an option, a repeated or
  ///   reserved option, an empty list item, a descending or oversized range.
  public init(arguments: [String]) throws {
    var options: [Option] = []
    var index = 0
    while index < arguments.count {
      var token = arguments[index]
      index += 1
      guard token.hasPrefix("-"), token.count > 1, !Self.isNumber(token) else {
        throw InformationPlaneError.invalidSweep(
          "Unexpected argument '\(token)': a sweep takes ib options, each followed by its value(s), e.g. --seed 0..4.")
      }
      var inlineValue: String?
      if token.hasPrefix("--"), let equals = token.firstIndex(of: "=") {
        inlineValue = String(token[token.index(after: equals)...])
        token = String(token[..<equals])
      }
      if let why = Self.reservedOptions[token] {
        throw InformationPlaneError.invalidSweep("\(token) cannot be part of a sweep: \(why).")
      }
      guard !options.contains(where: { $0.name == token }) else {
        throw InformationPlaneError.invalidSweep(
          "\(token) is given twice; give all its values once, as a list (a,b,c) or a range (m..n).")
      }
      var text = inlineValue
      if text == nil, index < arguments.count, !arguments[index].hasPrefix("-") || Self.isNumber(arguments[index]) {
        text = arguments[index]
        index += 1
      }
      options.append(Option(name: token, values: try text.map { try Self.expand($0, option: token) } ?? []))
    }
    self.options = options
    let count = options.reduce(1.0) { $0 * Double(max(1, $1.values.count)) }
    guard count <= Double(Self.maximumPoints) else {
      throw InformationPlaneError.invalidSweep(
        "The grid has \(Int(min(count, 1e18))) points, more than \(Self.maximumPoints); sweep fewer values.")
    }
  }

  /// The grid from a JSON object mapping `ib` options (with or without their dashes) to a value, a list of values,
  /// a range string "m..n" or `true` for a flag (`false` leaves it out). JSON objects have no order, so the options
  /// are taken in alphabetical order.
  /// - Throws: `InformationPlaneError.invalidSweep` naming `file` and the key.
  public init(json: Data, file: String) throws {
    let object: [String: GridValue]
    do {
      object = try JSONDecoder().decode([String: GridValue].self, from: json)
    } catch {
      throw InformationPlaneError.invalidSweep(
        "\(file) is not a sweep grid: expected a JSON object mapping ib options to a value, a list of values, "
          + "a range \"m..n\" or true (a flag).")
    }
    var arguments: [String] = []
    for key in object.keys.sorted() {
      let name = key.hasPrefix("-") ? key : (key.count == 1 ? "-" : "--") + key
      switch object[key]! {
      case .flag(true): arguments.append(name)
      case .flag(false): continue
      case let .value(text): arguments += [name + "=" + text]
      case let .list(items):
        guard !items.isEmpty else { throw InformationPlaneError.invalidSweep("\(file): \(key) has an empty list.") }
        arguments += [name + "=" + items.joined(separator: ",")]
      }
    }
    // Short options (-k) take their value as the next argument.
    arguments = arguments.flatMap { argument -> [String] in
      guard !argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return [argument] }
      return [String(argument[..<equals]), String(argument[argument.index(after: equals)...])]
    }
    do { try self.init(arguments: arguments) } catch let InformationPlaneError.invalidSweep(message) {
      throw InformationPlaneError.invalidSweep("\(file): \(message)")
    }
  }

  /// The options with more than one value, in order: the grid's dimensions.
  public var axes: [Option] { options.filter { $0.values.count > 1 } }

  /// Every point of the grid, the last axis varying fastest.
  public var points: [SweepPoint] {
    let axes = self.axes
    let count = axes.reduce(1) { $0 * $1.values.count }
    return (0..<count).map { index in
      var rest = index
      var chosen: [String: String] = [:]
      for axis in axes.reversed() {
        chosen[axis.name] = axis.values[rest % axis.values.count]
        rest /= axis.values.count
      }
      var arguments: [String] = []
      for option in options {
        arguments.append(option.name)
        if let value = chosen[option.name] ?? option.values.first { arguments.append(value) }
      }
      let settings = axes.map { SweepPoint.Setting(option: $0.name, value: chosen[$0.name]!) }
      return SweepPoint(index: index, settings: settings, arguments: arguments)
    }
  }

  /// Points are capped so that a typo (`--seed 0..100000000`) fails at once instead of writing a million folders.
  public static let maximumPoints = 100_000

  private static func expand(_ text: String, option: String) throws -> [String] {
    let bounds = text.split(separator: ".", omittingEmptySubsequences: false)
    if bounds.count == 3, bounds[1].isEmpty, let low = Int(bounds[0]), let high = Int(bounds[2]) {
      guard low <= high else {
        throw InformationPlaneError.invalidSweep("\(option) \(text): a range m..n needs m ≤ n (both are included).")
      }
      guard high - low < maximumPoints else {
        throw InformationPlaneError.invalidSweep("\(option) \(text) has more than \(maximumPoints) values.")
      }
      return (low...high).map(String.init)
    }
    guard !pathOptions.contains(option), text.contains(",") else { return [text] }
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard !items.contains(where: \.isEmpty) else {
      throw InformationPlaneError.invalidSweep(
        "\(option) \(text) has an empty item; separate values with single commas.")
    }
    guard Set(items).count == items.count else {
      throw InformationPlaneError.invalidSweep("\(option) \(text) lists a value twice.")
    }
    return items
  }

  private static func isNumber(_ token: String) -> Bool { Double(token) != nil }

  /// A value of a JSON grid.
  private enum GridValue: Decodable {
    case flag(Bool)
    case value(String)
    case list([String])

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let flag = try? container.decode(Bool.self) {
        self = .flag(flag)
      } else if let scalar = try? container.decode(Scalar.self) {
        self = .value(scalar.text)
      } else {
        self = .list(try container.decode([Scalar].self).map(\.text))
      }
    }
  }

  /// A JSON string or number, as the command line would spell it.
  private struct Scalar: Decodable {
    let text: String
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let integer = try? container.decode(Int.self) {
        text = String(integer)
      } else if let number = try? container.decode(Double.self) {
        text = "\(number)"
      } else {
        text = try container.decode(String.self)
      }
    }
  }
}
